"""Workspace settings (activities, reasons, dimensions, timebank accounts, holiday calendars,
employment terms) and the effective-dated store and route pattern they share."""
