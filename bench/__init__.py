"""Benchmarks (run with `python -m bench.<name>`); importable without Django."""
