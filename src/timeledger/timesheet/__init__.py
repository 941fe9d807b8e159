"""What presence and entries share: whose timesheet a caller reaches, and the per-day
totals of entries kept on write."""
