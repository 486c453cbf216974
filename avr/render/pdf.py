"""PDF from the HTML report with WeasyPrint: A4, running header, page numbers, tagged (PDF/UA-1).

The HTML page is the single source: WeasyPrint lays it out with its print rules plus
`templates/pdf.css.j2` (CSS paged media: `@page` margin boxes carry the board, the report title and
the diarienummer, and "Sida n av m"). Inline SVG charts are drawn as vector graphics. The PDF is
tagged, its language is the page's `lang` and its title the page's `<title>`. The file identifier is
derived from the content, and no dates are written, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from jinja2 import Environment

from avr.errors import AvrError


def css_string(text: Any) -> str:
    """A CSS string literal: quotes and backslashes escaped, line breaks as spaces."""
    value = " ".join(str(text or "").split())
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_pdf(html: str, env: Environment, context: dict[str, Any]) -> bytes:
    try:
        from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # WeasyPrint loads pango with dlopen when imported
        raise AvrError(f"PDF output needs WeasyPrint and the pango library ({exc}); on Debian: "
                       "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (make pdftools)") from None

    # WeasyPrint logs every CSS property it does not support (e.g. `break-after` on headings) as a warning
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    env.filters.setdefault("css_string", css_string)
    stylesheet = env.get_template("pdf.css.j2").render(context)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = HTML(string=html, base_url=None)
    pdf = document.write_pdf(stylesheets=[CSS(string=stylesheet)], pdf_variant="pdf/ua-1",
                             pdf_identifier=identifier, uncompressed_pdf=False)
    assert isinstance(pdf, bytes)
    return pdf
