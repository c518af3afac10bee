"""config blueprint."""
