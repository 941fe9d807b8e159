"""Workspace administration: workspace settings and the audit log."""
