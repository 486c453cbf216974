"""Pydantic models of the repository's files: validation only, no domain rules (those live in avr.compute)."""
