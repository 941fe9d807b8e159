"""The approvals inbox: what awaits the caller's decision, and decisions in bulk
(docs/approvals.md)."""
