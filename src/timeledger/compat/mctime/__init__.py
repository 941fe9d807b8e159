"""The McTime API v2 at /compat/mctime/api/v2/auth (contract: docs/compat/mctime.md)."""
