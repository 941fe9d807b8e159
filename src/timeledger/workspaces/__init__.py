"""Workspaces: the tenants, created with their built-in roles and an owner."""
