"""The change log: one ordered, gapless stream of committed changes per workspace."""
