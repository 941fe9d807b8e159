"""Outbound webhooks: the change log POSTed, signed, to subscribers' URLs."""
