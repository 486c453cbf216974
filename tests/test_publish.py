"""PDF and Word output of `avr build --format`, checked by reading the files back.

The example reports are built once by the real CLI into a temporary folder. PDF text is extracted
with pdftotext and pages rasterised with pdftoppm (Debian poppler-utils, installed by `make test`);
Word files are read with python-docx. Checked: headings, figures (`33,9 %`), the Uppsala status
sentence, the running header and page numbers, tagging, language, title, A4, vector charts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import ROOT, run_avr

UPPSALA = "uppsala-amn/26-punktsplan/december-2020"
NORRKOPING = "norrkoping-avn/uppdragsplan-2013/halvar-2013"
LINKOPING = "linkoping-amn/internbudget-2019/internbudget-2019"
SENTENCE = ("Av de 26 aktiviteterna bedöms 13 som färdiga, 11 pågår enligt plan, "
            "en avviker från plan och en är stoppad.")
REPORTS = [UPPSALA, NORRKOPING, LINKOPING, "uppsala-amn/26-punktsplan/26-punktsplan",
           "norrkoping-avn/uppdragsplan-2013/uppdragsplan-2013"]

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing (make test installs it)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish")
    done = run_avr("build", "--repo", ROOT, "--out", out, "--format", "html,pdf", "-f", "docx")
    assert done.returncode == 0, done.stderr
    return out


def pdf_text(path: Path, *pages: int) -> str:
    first = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    done = subprocess.run(["pdftotext", *first, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_objects(path: Path) -> bytes:
    """The PDF's bytes with every Flate stream inflated, to look for catalogue and structure keys."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompress(data[match.end():end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_formats_written_for_every_report(site: Path) -> None:
    built = {p.relative_to(site).as_posix().removesuffix(".html") for p in site.glob("*/*/*.html")}
    assert set(REPORTS) <= built
    for report in built:
        for ext in ("html", "pdf", "docx"):
            assert (site / f"{report}.{ext}").stat().st_size > 1000, (report, ext)
        assert not (site / f"{report}.md").exists(), "only the formats asked for"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{UPPSALA}.pdf"' in index and f'href="{UPPSALA}.docx"' in index


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    done = run_avr("build", "--repo", ROOT, "--out", tmp_path, "--format", "md,xls")
    assert done.returncode == 2
    assert "unknown format xls" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


@needs_poppler
def test_pdf_text_has_headings_figures_and_the_status_sentence(site: Path) -> None:
    uppsala = flat(pdf_text(site / f"{UPPSALA}.pdf"))
    assert "Uppföljning av 26-punktsplan per december 2020" in uppsala
    assert SENTENCE in uppsala
    assert "Sammanställning" in uppsala
    norrkoping = flat(pdf_text(site / f"{NORRKOPING}.pdf"))
    assert "33,9 % (353 av 1 040)" in norrkoping
    assert "Måluppfyllelse" in norrkoping and "Målet är uppfyllt" in norrkoping


@needs_poppler
def test_pdf_running_header_and_page_numbers(site: Path) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(site / f"{UPPSALA}.pdf")], capture_output=True, text=True, check=True).stdout).group(1))
    assert pages > 3
    second = flat(pdf_text(site / f"{UPPSALA}.pdf", 2))
    assert "Arbetsmarknadsnämnden" in second
    assert "Uppföljning av 26-punktsplan per december 2020 · Diarienummer AMN-2020-00406" in second
    assert f"Sida 2 av {pages}" in second


@needs_poppler
def test_pdf_is_a4_tagged_titled_in_swedish(site: Path) -> None:
    info = subprocess.run(["pdfinfo", str(site / f"{UPPSALA}.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+Uppföljning av 26-punktsplan per december 2020", info)
    objects = pdf_objects(site / f"{UPPSALA}.pdf")
    assert b"/Lang (sv)" in objects
    for key in (b"/StructTreeRoot", b"/H1", b"/Table", b"/TH", b"/DisplayDocTitle true"):
        assert key in objects, key
    # the status bar is a tagged figure whose alternative text is the chart's aria-label
    alt = "Status – 26-punktsplan. Färdig 13, Påbörjad 11".encode("utf-16-be").hex().encode()
    assert re.search(rb"/S /Figure.{0,200}?/Alt <feff" + alt, objects, re.S)


@needs_poppler
def test_pdf_charts_are_vector(site: Path) -> None:
    """No raster images in the PDF, and the chart's words are text in it."""
    listing = subprocess.run(["pdfimages", "-list", str(site / f"{UPPSALA}.pdf")],
                             capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) == 2, listing  # the two header lines, no image rows
    text = flat(pdf_text(site / f"{UPPSALA}.pdf"))
    assert "✓ Färdig: 13" in text and "→ Påbörjad: 11" in text
    plan = flat(pdf_text(site / f"{LINKOPING}.pdf"))
    assert "◆ ≤ 2 800 hushåll" in plan  # a target marked in an indicator chart


@needs_poppler
def test_pdf_page_rasterises(site: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(site / f"{UPPSALA}.pdf"),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_and_docx_are_reproducible(site: Path, tmp_path: Path) -> None:
    done = run_avr("build", "--repo", ROOT, "--out", tmp_path, "--format", "pdf,docx")
    assert done.returncode == 0, done.stderr
    for ext in ("pdf", "docx"):
        assert (tmp_path / f"{UPPSALA}.{ext}").read_bytes() == (site / f"{UPPSALA}.{ext}").read_bytes(), ext


def test_docx_headings_are_word_heading_styles(site: Path) -> None:
    doc = Document(str(site / f"{UPPSALA}.docx"))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Uppföljning av 26-punktsplan per december 2020")
    assert ("Heading 2", "Sammanställning") in headings
    assert ("Heading 3", "Aktivitet 1a. Individuell studieplan") in headings or any(
        style == "Heading 3" and text.startswith("Aktivitet 1a.") for style, text in headings)
    assert doc.core_properties.title == "Uppföljning av 26-punktsplan per december 2020"
    assert doc.core_properties.language == "sv"


def test_docx_has_the_sentence_and_real_tables(site: Path) -> None:
    doc = Document(str(site / f"{UPPSALA}.docx"))
    assert SENTENCE in [p.text for p in doc.paragraphs]
    overview = next(t for t in doc.tables if t.rows[0].cells[0].text == "Nr")
    assert overview.rows[2].cells[0].text == "1a"
    assert [c.text for c in overview.rows[1].cells[3:]] == ["2020", "2021", "2022"]
    norrkoping = Document(str(site / f"{NORRKOPING}.docx"))
    cells = {c.text for t in norrkoping.tables for r in t.rows for c in r.cells}
    assert any("33,9 % (353 av 1 040)" in c for c in cells)
    assert "Ålders- och könsfördelningen för de 20 ungdomarna är följande" in [p.text for p in norrkoping.paragraphs]


@needs_poppler
def test_screenshot_script_writes_html_and_pdf_pages(site: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "screenshots.py"), str(site)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    shots = site / "screenshots"
    for name in (f"{UPPSALA.replace('/', '__')}.html.png", f"{UPPSALA.replace('/', '__')}.html-top.png",
                 f"{UPPSALA.replace('/', '__')}.pdf-1.png",
                 f"{UPPSALA.replace('/', '__')}.pdf-2.png", "index.html.png", "tillganglighet.html.png"):
        assert (shots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_missing_pdf_library_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    """Without WeasyPrint's native libraries `avr build --format pdf` says what to install."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nsys.modules['weasyprint'] = None\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "avr", "build", "--repo", str(ROOT), "--out", str(tmp_path / "o"),
                           "--format", "pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "PDF output needs WeasyPrint and the pango library" in done.stderr and "Traceback" not in done.stderr


def test_published_files_are_readable_by_the_web_server(site: Path) -> None:
    """Files are created through a temporary file (0600); they end up with the umask's permissions."""
    umask = os.umask(0)
    os.umask(umask)
    for path in (site / "index.html", site / "tillganglighet.html", site / f"{UPPSALA}.pdf", site / f"{UPPSALA}.docx"):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, (path, oct(path.stat().st_mode))
