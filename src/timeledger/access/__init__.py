"""Who is calling and what they may do: credentials, permissions, audit."""
