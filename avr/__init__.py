"""avr — compiles goal follow-up reports for Swedish municipal boards from YAML files."""

__version__ = "0.1.0"
