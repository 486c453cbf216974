"""MkDocs hook: adds the generated Referens pages (avr/reference.py) to the site at build time.

Generated from the live code on every `mkdocs build`, so the pages cannot drift from it; none is committed.
"""

from __future__ import annotations

import os
from typing import Any

# The site is Swedish: `--help` texts in Swedish. Chosen before avr.cli is imported (its help is built then).
os.environ["AVR_LANG"] = "sv"


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    from avr.reference import pages

    for path, text in pages().items():
        files.append(File.generated(config, path, content=text))
    return files
