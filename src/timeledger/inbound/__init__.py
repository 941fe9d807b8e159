"""Inbound webhooks: external systems push signed events that the worker applies."""
