"""Filters select the minutes of a shift day an allowance rule applies to."""
