"""Users, roles, service users, API keys and the signed-in person's own resources."""
