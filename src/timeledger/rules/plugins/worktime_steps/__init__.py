"""Work-time steps deduct minutes from a shift day's worked time."""
