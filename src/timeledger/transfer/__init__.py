"""Workspace export: the whole workspace as one ZIP of JSON Lines with a manifest
(docs/import-export.md, "Workspace export")."""
