"""Workspaces: the tenants, created with their defaults, built-in roles and an owner; their
administration (workspace settings, the audit log, deleted items)."""
