"""Presence, the first layer of time: when someone was at work and why (clock in/out,
breaks, manual intervals)."""
