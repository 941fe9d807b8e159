"""The Tyme API at /compat/tyme: its OAuth2 sign-in and the team's members (contract:
docs/compat/tyme.md)."""
