"""stats blueprint."""
