"""account blueprint."""
