"""core blueprint."""
