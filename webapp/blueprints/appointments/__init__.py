"""appointments blueprint."""
