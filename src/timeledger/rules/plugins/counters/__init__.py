"""Counters find overtime by thresholds on a day and a week."""
