"""Billing buckets: customers, projects with members and rates, tasks with subtasks."""
