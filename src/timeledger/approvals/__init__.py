"""Approvals: who decides an item (routing up the org tree, delegations), and the record
of every request and decision (docs/approvals.md)."""
