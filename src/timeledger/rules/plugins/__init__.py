"""Registries of plugins, one module per plugin. `REGISTRIES` is the catalogue the
descriptor endpoints publish and policies are validated against."""
