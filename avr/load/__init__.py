"""Load: files on disk → positioned raw data (strings, lists, mappings)."""

from avr.load.yamlfile import Document, Limits, load_document, load_text

__all__ = ["Document", "Limits", "load_document", "load_text"]
