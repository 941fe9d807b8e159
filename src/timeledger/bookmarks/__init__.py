"""Saved queries of the time-entry list ("bookmarks"), each owned by one person."""
