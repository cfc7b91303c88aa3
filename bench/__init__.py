"""Benchmarks of s2s gradients (not installed with the package): see bench/run.py."""
