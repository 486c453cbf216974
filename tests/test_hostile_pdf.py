"""The PDF fetches nothing (issue: WeasyPrint's default fetcher embedded a local server's answer through a link
with rel="attachment" and a file from outside the repository through `url(file://…)` in pdf.css.j2)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from bounded import run_limited

REPORT = "kommun-amn/handlingsplan/uppfoljning-2022"


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that answers every request with a secret and remembers the paths asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            asked.append(self.path)
            body = b"HEMLIGT-SVAR"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def _with_template(repo: Path, name: str, text: str) -> None:
    (repo / "local").mkdir(exist_ok=True)
    (repo / "local" / name).write_text(text, encoding="utf-8")
    config = repo / "avr.yaml"
    if "templates_dir" not in config.read_text(encoding="utf-8"):
        config.write_text(config.read_text(encoding="utf-8") + "templates_dir: local\n", encoding="utf-8")


def _refused(repo: Path, rel: str) -> str:
    site = repo.parent / "site"
    proc = run_limited("build", "--repo", repo, "--out", site, "--format", "html,pdf")
    assert proc.returncode == 1, proc.stderr
    assert re.search(rf"^{re.escape(rel)}(:\d+:\d+)?: E701 ", proc.stderr, re.M), proc.stderr
    assert not site.exists() or not [p for p in site.rglob("*") if p.suffix in (".pdf", ".html")]
    return proc.stderr


@pytest.mark.parametrize("css", ["html { background: url(file:///etc/hostname) }",
                                 "html { background: u\\72l('file:///etc/hostname') }",
                                 "@font-face { font-family: x; src: url(file:///etc/hostname) }",
                                 "@\\69mport 'file:///etc/hostname';"])
def test_a_pdf_style_sheet_that_loads_is_refused(mini_copy: Path, css: str) -> None:
    _with_template(mini_copy, "pdf.css.j2", css + "\n")
    assert "pdf.css.j2" in _refused(mini_copy, f"{REPORT}.pdf")


def test_an_attachment_link_is_refused_and_fetches_nothing(mini_copy: Path, server: tuple[str, list[str]]) -> None:
    url, asked = server
    _with_template(mini_copy, "status.html.j2",
                   f'<!doctype html><p>{{{{ sentence }}}} <a rel="attachment" href="{url}/secret">bilaga</a></p>\n')
    assert "rel=attachment" in _refused(mini_copy, f"{REPORT}.html")
    assert asked == []


def test_weasyprint_is_given_only_inline_resources(server: tuple[str, list[str]], tmp_path: Path) -> None:
    """Past the HTML check, the fetcher itself: nothing outside `data:` is fetched, and such a PDF is not made."""
    from avr.render.env import make_env
    from avr.render.labels import load_labels
    from avr.render.pdf import UnsafePdf, render_pdf

    url, asked = server
    secret = tmp_path / "secret.txt"
    secret.write_text("HEMLIGT\n", encoding="utf-8")
    env = make_env(load_labels("sv"), None)
    context = {"org": SimpleNamespace(board="Nämnden"), "report": SimpleNamespace(title="Rapport", case_number=None)}
    for html in (f'<p><a rel="attachment" href="{url}/secret">bilaga</a></p>',
                 f'<p><img src="{url}/img.png" alt=""></p>',
                 f'<p><img src="{secret.as_uri()}" alt=""></p>',
                 f'<style>p {{ background: url({secret.as_uri()}) }}</style><p>x</p>'):
        with pytest.raises(UnsafePdf):
            render_pdf(f"<!doctype html><html lang=sv><head><title>t</title></head><body>{html}</body></html>",
                       env, context)
    assert asked == []
    tiny_png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2O"
                "UAAAAABJRU5ErkJggg==")
    pdf = render_pdf(f'<!doctype html><html lang=sv><head><title>t</title></head><body><img src="{tiny_png}" alt="">'
                     "</body></html>", env, context)
    assert pdf.startswith(b"%PDF")
