"""Readers of other products' export files: a file in, normalized rows and row problems out.

Pure: no database, no clock. Matching people and projects by name and creating entries is
the importer's work; these modules only read (docs/import-export.md)."""
