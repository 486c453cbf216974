"""PDF from the HTML report with WeasyPrint: A4, running header, page numbers, tagged (PDF/UA-1).

The HTML page is the single source: WeasyPrint lays it out with its print rules plus
`templates/pdf.css.j2` (CSS paged media: `@page` margin boxes carry the board, the report title and
the diarienummer, and "Sida n av m"). Inline SVG charts are drawn as vector graphics. The PDF is
tagged, its language is the page's `lang` and its title the page's `<title>`. The file identifier is
derived from the content, and no dates are written, so the same input gives the same bytes.

A PDF embeds what WeasyPrint fetches (a `url(file://…)` in a style sheet, a link with `rel="attachment"`),
so it fetches nothing: its URL fetcher serves `data:` URLs only and refuses everything else, and a PDF
that asked for anything else is not made (:class:`UnsafePdf`). The page was checked before (E701), and
`pdf.css.j2` — a repository may override it — is checked here with the same CSS allow-list.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from jinja2 import Environment

from avr.errors import AvrError
from avr.i18n import gettext as _
from avr.render.safety import css_problem


class UnsafePdf(Exception):
    """The PDF would load or embed something from outside the report; ``problem`` says what."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _fetcher(refused: list[str]) -> Any:
    """WeasyPrint's URL fetcher, serving ``data:`` URLs only; every other URL is noted in ``refused``."""
    from weasyprint import urls  # type: ignore[import-untyped]

    if not hasattr(urls, "URLFetcher"):  # WeasyPrint before the fetcher class: a function

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if url[:5].lower() == "data:":
                return urls.default_url_fetcher(url, *args, **kwargs)
            refused.append(url)
            raise ValueError(f"avr's PDF loads nothing: {url[:80]}")

        return fetch

    class OnlyInline(urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"avr's PDF loads nothing: {url[:80]}")

    return OnlyInline(allowed_protocols={"data"}, allow_redirects=False)


def css_string(text: Any) -> str:
    """A CSS string literal: quotes and backslashes escaped, line breaks as spaces."""
    value = " ".join(str(text or "").split())
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_pdf(html: str, env: Environment, context: dict[str, Any]) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # WeasyPrint loads pango with dlopen when imported
        raise AvrError(_("PDF output needs WeasyPrint and the pango library ({problem}); on Debian: "
                         "apt-get install libpango-1.0-0 libpangoft2-1.0-0 (make pdftools)").format(problem=exc)) from None

    # WeasyPrint logs every CSS property it does not support (e.g. `break-after` on headings) as a warning
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    env.filters.setdefault("css_string", css_string)
    stylesheet = env.get_template("pdf.css.j2").render(context)
    found = css_problem(stylesheet)
    if found:
        raise UnsafePdf(f"pdf.css.j2: {found}")
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    refused: list[str] = []
    fetcher = _fetcher(refused)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[CSS(string=stylesheet, url_fetcher=fetcher)], pdf_variant="pdf/ua-1",
                             pdf_identifier=identifier, uncompressed_pdf=False)
    if refused:
        raise UnsafePdf(f"the PDF would load {refused[0][:80]!r} (avr's PDF loads nothing)")
    assert isinstance(pdf, bytes)
    return pdf
