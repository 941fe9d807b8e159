"""Interactive sign-in: sessions, logout, password change and reset."""
