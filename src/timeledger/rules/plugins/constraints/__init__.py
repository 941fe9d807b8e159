"""Constraints add issues (warnings or errors) to an evaluation; they never change figures."""
