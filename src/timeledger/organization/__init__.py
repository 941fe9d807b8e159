"""Org units, employees and employments (tag Organization)."""
