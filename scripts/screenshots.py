"""Write PNG screenshots of every built report for review without a browser.

Usage: python scripts/screenshots.py [BUILD_DIR]   (default build/; `make screenshots` runs it)

Every HTML page under BUILD_DIR is opened in Debian's headless chromium (through Playwright) and
captured as a full page (`.html.png`) and as its first screen (`.html-top.png`); pages 1 and 2
of every PDF are rasterised with pdftoppm (poppler-utils). The PNGs go to BUILD_DIR/screenshots/,
named after the report's path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def main(build: Path) -> int:
    build = build.resolve()
    shots = build / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pages = sorted(p for p in build.rglob("*.html") if shots not in p.parents)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        for file in pages:
            name = file.relative_to(build).as_posix().removesuffix(".html").replace("/", "__")
            page.goto(file.as_uri(), wait_until="load")
            target = shots / f"{name}.html.png"
            page.screenshot(path=str(target), full_page=True)
            top = shots / f"{name}.html-top.png"  # the first screen, readable at a glance
            page.screenshot(path=str(top))
            written.extend([target, top])
        browser.close()
    pdftoppm = shutil.which("pdftoppm")
    for pdf in sorted(build.rglob("*.pdf")):
        if pdftoppm is None:
            print("pdftoppm is missing (apt-get install poppler-utils): PDF pages skipped", file=sys.stderr)
            break
        name = pdf.relative_to(build).as_posix().removesuffix(".pdf").replace("/", "__")
        for number in (1, 2):
            prefix = shots / f"{name}.pdf-{number}"
            subprocess.run([pdftoppm, "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile",
                            str(pdf), str(prefix)], check=True)
            written.append(prefix.with_name(prefix.name + ".png"))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "build")))
