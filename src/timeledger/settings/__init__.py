"""Settings: activities, reasons, dimensions, timebank accounts, holiday calendars."""
