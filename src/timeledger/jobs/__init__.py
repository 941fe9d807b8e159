"""The background worker and the jobs it runs, stored in the database."""
