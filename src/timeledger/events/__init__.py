"""The event feed, the live stream and the rules of who sees which change."""
