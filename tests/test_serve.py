"""`avr serve` for real: a subprocess on a free port, files changed on disk, pages fetched over HTTP.

Also a headless Chromium keeps a page open while a file changes, to see the reload happen by itself.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
REPORT = "kommun-amn/handlingsplan/uppfoljning-2022.html"
FOLLOWUP = Path("plans/kommun-amn/handlingsplan/followups/2022/2.yaml")
ACTIVITY = Path("plans/kommun-amn/handlingsplan/activities/3.yaml")


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    lines: list[str]

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return str(response.read().decode("utf-8"))


def _wait_for(what: str, check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def server(mini_copy: Path) -> Iterator[Server]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "avr", "serve", "--port", "0", "--repo", str(mini_copy)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=mini_copy,
    )
    lines: list[str] = []
    found: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                found.put(match.group(0))

    threading.Thread(target=read, daemon=True).start()
    try:
        url = found.get(timeout=60)
    except queue.Empty:
        process.kill()
        raise AssertionError(f"avr serve did not start: {''.join(lines)}") from None
    try:
        yield Server(process, url, lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_serve_rebuilds_shows_errors_and_stops_cleanly(server: Server, mini_copy: Path) -> None:
    index = server.get("")
    assert "Testrapporter" in index and "/__avr/version" in index
    page = server.get(REPORT)
    assert "Försenat på grund av" in page
    version = server.get("__avr/version")
    # the reload script is only in what is served, never in the files on disk
    built = (mini_copy / "build" / REPORT).read_text(encoding="utf-8")
    assert "<script" not in built and "Försenat på grund av" in built

    followup = mini_copy / FOLLOWUP
    followup.write_text(followup.read_text(encoding="utf-8").replace("Försenat på grund av", "Ny text från verksamheten om"),
                        encoding="utf-8")
    _wait_for("the changed text", lambda: "Ny text från verksamheten om" in server.get(REPORT))
    assert server.get("__avr/version") != version
    assert "<script" not in (mini_copy / "build" / REPORT).read_text(encoding="utf-8")

    # a broken file: every page shows the errors, positioned, instead of the stale report
    activity = mini_copy / ACTIVITY
    good = activity.read_text(encoding="utf-8")
    activity.write_text(good.replace("title:", "titel:"), encoding="utf-8")
    expected = f"{ACTIVITY.as_posix()}:4:1: E101 unknown field `titel` — did you mean `title`?"
    _wait_for("the error page", lambda: expected in server.get(REPORT))
    assert expected in server.get("")
    assert "Ny text från verksamheten om" not in server.get(REPORT)

    activity.write_text(good, encoding="utf-8")
    _wait_for("the report again", lambda: "Ny text från verksamheten om" in server.get(REPORT))

    # a warning is printed as `avr build` prints it (the page is built: warnings are not errors)
    goal = mini_copy / "plans/kommun-amn/handlingsplan/followups/2022/goal-1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8") + "verdict:\n  verdict: met\n  justification: Bedömt.\n",
                    encoding="utf-8")
    _wait_for("the warning", lambda: any(": W101 manual verdict" in line for line in server.lines))

    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    time.sleep(0.2)
    assert "stopped\n" in server.lines
    assert not any("Traceback" in line for line in server.lines)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (`make test` installs it)")
def test_browser_reloads_by_itself(server: Server, mini_copy: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(server.url + REPORT, wait_until="load")
            assert "Försenat på grund av" in page.inner_text("body")
            followup = mini_copy / FOLLOWUP
            followup.write_text(followup.read_text(encoding="utf-8").replace("Försenat på grund av", "Omladdad text"),
                                encoding="utf-8")
            # no page.reload(): the served page's own script must notice the rebuild
            # waits by selector: they run outside the page, so the page's CSP (no eval) does not stop them
            page.wait_for_selector("text=Omladdad text", timeout=30_000)
            activity = mini_copy / ACTIVITY
            activity.write_text(activity.read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8")
            page.wait_for_selector("text=E101", timeout=30_000)
            assert "activities/3.yaml:4:1: E101" in page.inner_text("body")
        finally:
            browser.close()


def _status(url: str, host: str | None = None, method: str = "GET") -> int:
    import urllib.error

    request = urllib.request.Request(url, method=method, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_serve_follows_no_link_and_answers_only_its_own_host(server: Server, mini_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.html").write_text("<p>hemligt</p>", encoding="utf-8")
    (secret / "key.txt").write_text("hemligt", encoding="utf-8")
    build = mini_copy / "build"
    (build / "link.html").symlink_to(secret / "key.html")
    (build / "link.txt").symlink_to(secret / "key.txt")
    (build / "dir").symlink_to(secret)
    port = server.url.rsplit(":", 1)[1].rstrip("/")
    for path in ("link.html", "link.txt", "dir/key.txt", "dir/key.html", "dir/"):
        for method in ("GET", "HEAD"):
            assert _status(server.url + path, method=method) == 404, (path, method)
    assert "hemligt" not in server.get("")
    # DNS rebinding: a page on another site reaching 127.0.0.1 under its own name
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1.evil.example:{port}"):
        for method in ("GET", "HEAD"):
            assert _status(server.url + REPORT, host, method) == 421, (host, method)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _status(server.url + REPORT, host) == 200
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=20) == 0
    assert not any("Traceback" in line for line in server.lines)


def test_serve_builds_into_output_dir_even_when_the_first_build_fails(mini_copy: Path) -> None:
    """avr.yaml's output_dir is where `avr serve` writes and serves from, also before a build succeeded."""
    from avr.commands.serve import State, rebuild

    config = mini_copy / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "output_dir: webb\n", encoding="utf-8")
    state = State()
    assert rebuild(mini_copy, None, state) == mini_copy / "webb" and not state.errors
    assert (mini_copy / "webb" / "index.html").is_file() and not (mini_copy / "build").exists()
    plan = next(mini_copy.glob("plans/*/*/plan.yaml"))
    plan.write_text(plan.read_text(encoding="utf-8") + "okänt_fält: 1\n", encoding="utf-8")
    shutil.rmtree(mini_copy / "webb")
    assert rebuild(mini_copy, None, state) == mini_copy / "webb" and state.errors
