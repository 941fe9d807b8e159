"""Ids other systems gave Timeledger's objects (a Tyme client's, an import source's)."""
