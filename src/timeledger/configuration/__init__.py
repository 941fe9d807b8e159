"""Effective-dated configuration entities: the shared store every kind builds on."""
