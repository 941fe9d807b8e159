"""Time entries (layer 2: what and where): registrations, timers, locks, listing."""
