"""Statements: an employee's week or month generated from the rule engine's evaluation,
submitted, approved, settled into the timebank and locked, exported for payroll."""
