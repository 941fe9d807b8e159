"""The mite API at /compat/mite (contract: docs/compat/mite.md)."""
