"""Mechanisms with no domain knowledge, shared by every domain and face."""
