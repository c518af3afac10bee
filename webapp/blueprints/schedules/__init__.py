"""schedules blueprint."""
