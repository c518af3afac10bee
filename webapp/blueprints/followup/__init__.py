"""followup blueprint."""
