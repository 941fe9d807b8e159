"""Benchmarks of Timeledger: the dataset generator and the scenarios (see docs/performance.md)."""
