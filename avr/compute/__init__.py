"""Compute: pure functions from validated models to results (no I/O, no text)."""
