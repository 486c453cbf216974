"""Load: files on disk → positioned raw data (strings, lists, mappings).

Import from the modules (``avr.load.yamlfile``, ``avr.load.layout``, …): this package imports none of them, so
that avr/i18n.py can peek at avr.yaml through ``avr.load.layout`` before the loader's modules exist.
"""
