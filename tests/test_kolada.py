"""`avr fetch kolada` against a local HTTP server on 127.0.0.1 serving recorded Kolada v3 answers."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bounded import clean_exit, run_bounded
from conftest import FIXTURES, run_avr

KOLADA = FIXTURES / "kolada"
OUTCOMES = Path("plans/uppsala-amn/bistandsplan/outcomes")


class KoladaServer:
    """Serves tests/fixtures/kolada; `script` lists what the next requests get instead ("429", ...)."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[str] = []
        self.v3_absent = False
        self.unknown_is_404 = False  # answer an unknown KPI id with 404 instead of an empty list
        self.custom: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}  # script actions of a test
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                with server.lock:
                    server.requests.append(self.path)
                    action = server.script.pop(0) if server.script else ""
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    server.answer(self, action)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def send(self, handler: BaseHTTPRequestHandler, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def fixture(self, name: str, version: str = "v3") -> str:
        return (KOLADA / name).read_text(encoding="utf-8").replace("{base}", f"{self.base}/{version}")

    def answer(self, h: BaseHTTPRequestHandler, action: str) -> None:
        if action in self.custom:
            return self.custom[action](h)
        if action == "429":
            return self.send(h, 429, '{"error": "Too Many Requests"}', {"Retry-After": "1"})
        if action == "503":
            return self.send(h, 503, '{"error": "Service Unavailable"}')
        if action == "sleep":
            time.sleep(3)
            return self.send(h, 200, self.fixture("kpi-N31807.json"))
        if action == "malformed":
            return self.send(h, 200, '{"count": 2, "values": [{"kpi": "N31807", "municipality": "0380", "peri')
        url = urlsplit(h.path)
        page = parse_qs(url.query).get("page", ["1"])[0]
        path = url.path
        if path.startswith("/v2/"):
            if re.fullmatch(r"/v2/kpi/N31807", path):
                return self.send(h, 200, self.fixture("kpi-N31807.json").replace('"next_url"', '"next_page"'))
            if path.startswith("/v2/data/kpi/N31807/municipality/0380/year/"):
                return self.send(h, 200, self.fixture("v2-data-N31807-0380.json", "v2"))
            return self.send(h, 410, '{"error": "Gone"}')
        if not path.startswith("/v3/") or self.v3_absent:
            return self.send(h, 404, '{"detail": "Not Found"}')
        if path == "/v3/kpi":
            return self.send(h, 200, self.fixture("kpi-N31807.json"))
        match = re.fullmatch(r"/v3/kpi/([A-Z0-9,]+)", path)
        if match:
            ids = match[1].split(",")
            if self.unknown_is_404 and "N31807" not in ids:
                return self.send(h, 404, '{"detail": "Not Found"}')
            return self.send(h, 200, self.fixture("kpi-N31807.json" if "N31807" in ids else "kpi-empty.json"))
        if path == "/v3/data/kpi/N31807/municipality/0380/year/2020,2021,2022":
            return self.send(h, 200, self.fixture(f"data-N31807-0380-p{page}.json"))
        return self.send(h, 404, '{"detail": "Not Found"}')


@pytest.fixture
def server() -> Iterator[KoladaServer]:
    srv = KoladaServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


@pytest.fixture
def repo(tmp_path: Path, server: KoladaServer) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", target)
    config = target / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("http://127.0.0.1:1", server.base), encoding="utf-8")
    return target


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def fetch(repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_avr("fetch", "kolada", "--repo", repo, *args)


def test_fetch_creates_entries_with_gender_and_source(repo: Path, server: KoladaServer) -> None:
    before = repo / "before"
    assert run_avr("build", "--repo", repo, "--out", before).returncode == 0
    assert "Kolada" not in (before / "uppsala-amn/bistandsplan/uppfoljning-2021.md").read_text(encoding="utf-8")
    shutil.rmtree(before)
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.relative_to(repo / OUTCOMES).as_posix() for p in (repo / OUTCOMES).rglob("*.yaml"))
    assert files == ["2020/andel-bistand.yaml", "2021/andel-bistand.yaml", "2022/andel-bistand.yaml"]
    text = (repo / OUTCOMES / "2021/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "value: 4.1\n" in text and "women: 3.9\n" in text and "men: 4.3\n" in text
    assert 'source: "kolada"' in text and 'kpi: "N31807"' in text and 'municipality: "0380"' in text
    assert re.search(r"^fetched: \d{4}-\d{2}-\d{2}$", text, re.M)
    # the deleted row (9.9) is skipped; the missing K/M values are skipped with a note
    text_2022 = (repo / OUTCOMES / "2022/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "value: 3.8\n" in text_2022 and "women" not in text_2022 and "9.9" not in text_2022
    assert "Kolada has no value for N31807 0380 2022 gender K (Missing)" in proc.stderr
    assert "wrote 3 outcome files" in proc.stderr
    # both pages were read (next_url)
    assert any("page=2" in r for r in server.requests)
    # the repository is valid and the report uses the values and names the source
    assert run_avr("check", "--repo", repo).returncode == 0
    out = repo / "site"
    assert run_avr("build", "--repo", repo, "--out", out).returncode == 0
    md = (out / "uppsala-amn/bistandsplan/uppfoljning-2021.md").read_text(encoding="utf-8")
    assert "4,1\u00a0% [K 3,9 / M 4,3]" in md and "*Källa: Kolada*" in md
    html = (out / "uppsala-amn/bistandsplan/uppfoljning-2021.html").read_text(encoding="utf-8")
    assert "Källa: Kolada" in html
    report = json.loads((out / "uppsala-amn/bistandsplan/uppfoljning-2021.json").read_text(encoding="utf-8"))
    marks = {i["id"]: i["kolada"] for g in report["goals"] for i in g["indicators"]}
    assert marks == {"andel-bistand": True, "hushall": False}


def test_second_fetch_changes_nothing(repo: Path) -> None:
    assert fetch(repo).returncode == 0
    before = snapshot(repo)
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    assert "nothing to write: 3 values from Kolada already stored" in proc.stderr
    assert snapshot(repo) == before


def test_never_overwrites_a_manual_value_and_updates_only_with_flag(repo: Path) -> None:
    manual = repo / OUTCOMES / "2020/andel-bistand.yaml"
    manual.parent.mkdir(parents=True)
    manual.write_text('indicator: andel-bistand\nperiod: "2020"\nvalue: 4,4\nsource: manual\n', encoding="utf-8")
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    assert "andel-bistand 2020: kept (source: manual); Kolada N31807/0380/2020 says otherwise (value 4.4 → 4.3)" \
        in proc.stderr
    assert manual.read_text(encoding="utf-8").endswith("value: 4,4\nsource: manual\n")
    # a stored Kolada value that Kolada now gives otherwise: shown, replaced only with --update
    stored = repo / OUTCOMES / "2021/andel-bistand.yaml"
    stored.write_text(stored.read_text(encoding="utf-8").replace("value: 4.1", "value: 4.0"), encoding="utf-8")
    proc = fetch(repo)
    assert "andel-bistand 2021: Kolada N31807/0380/2021 now differs (value 4 → 4.1); run with --update" in proc.stderr
    assert "value: 4.0" in stored.read_text(encoding="utf-8")
    proc = fetch(repo, "--update")
    assert proc.returncode == 0 and f"updated {stored.relative_to(repo)}" in proc.stderr
    assert "value: 4.1" in stored.read_text(encoding="utf-8")
    assert manual.read_text(encoding="utf-8").endswith("value: 4,4\nsource: manual\n")


def test_goal_followup_outcome_is_a_persons_value(repo: Path) -> None:
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("    kolada:\n      kpi: N31807\n", "")
                    .replace("    history:\n      \"2020\": 3 130\n",
                             "    history:\n      \"2020\": 3 130\n    kolada:\n      kpi: N31807\n"),
                    encoding="utf-8")
    # now `hushall` names the KPI; its 2020 history and 2021 follow-up outcome are a person's values
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    assert "goals/1.yaml: hushall 2020: kept the value written there" in proc.stderr
    assert "goal-1.yaml: hushall 2021: kept the value written there" in proc.stderr
    assert sorted(p.name for p in (repo / OUTCOMES).rglob("*.yaml")) == ["hushall.yaml"]


def test_429_then_success(repo: Path, server: KoladaServer) -> None:
    server.script = ["429"]
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    assert "HTTP 429 (rate limited); trying again in 1 s" in proc.stderr  # honours Retry-After: 1
    assert "wrote 3 outcome files" in proc.stderr


def test_5xx_after_all_attempts_leaves_repo_untouched(repo: Path, server: KoladaServer) -> None:
    before = snapshot(repo)
    server.script = ["503", "503", "503"]
    proc = fetch(repo)
    assert proc.returncode == 1
    assert "HTTP 503 (server error), 3 attempt(s)" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(repo) == before


def test_timeout(repo: Path, server: KoladaServer) -> None:
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("timeout_seconds: 5", "timeout_seconds: 0.3")
                      .replace("attempts: 3", "attempts: 2"), encoding="utf-8")
    before = snapshot(repo)
    server.script = ["sleep", "sleep"]
    proc = fetch(repo)
    assert proc.returncode == 1
    assert "no answer within 0.3 s (timeout), 2 attempt(s)" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(repo) == before


def test_malformed_body_on_the_second_page_writes_nothing(repo: Path, server: KoladaServer) -> None:
    before = snapshot(repo)
    server.script = ["", "", "malformed"]  # metadata, page 1, then a broken page 2
    proc = fetch(repo)
    assert proc.returncode == 1
    assert "is not valid JSON" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(repo) == before


def test_unknown_kpi(repo: Path) -> None:
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("N31807", "N99999"), encoding="utf-8")
    before = snapshot(repo)
    proc = fetch(repo)
    assert proc.returncode == 1
    assert "unknown Kolada KPI id(s), nothing was written: N99999 (indicator `andel-bistand` in " \
           "plans/uppsala-amn/bistandsplan/goals/1.yaml)" in proc.stderr
    assert snapshot(repo) == before


def test_unknown_kpi_answered_with_404_is_not_taken_for_a_missing_version(repo: Path, server: KoladaServer) -> None:
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("fallback_url:", f"fallback_url: {server.base}/v2"),
                      encoding="utf-8")
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("N31807", "N99999"), encoding="utf-8")
    server.unknown_is_404 = True
    proc = fetch(repo)
    assert proc.returncode == 1 and "unknown Kolada KPI id(s), nothing was written: N99999" in proc.stderr
    assert not any(r.startswith("/v2/") for r in server.requests)  # v3 is there: no fallback


def test_years_without_a_period_are_reported_and_skipped(repo: Path) -> None:
    proc = fetch(repo, "--years", "2019-2022")
    assert proc.returncode == 0, proc.stderr
    assert "uppsala-amn: no period of kind `year` for 2019" in proc.stderr
    assert "wrote 3 outcome files" in proc.stderr


def test_v2_fallback_only_when_v3_is_absent(repo: Path, server: KoladaServer) -> None:
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("fallback_url:", f"fallback_url: {server.base}/v2"),
                      encoding="utf-8")
    server.v3_absent = True
    proc = fetch(repo, "--years", "2021")
    assert proc.returncode == 0, proc.stderr
    data = (repo / OUTCOMES / "2021/andel-bistand.yaml").read_text(encoding="utf-8")
    assert "value: 4.1" in data


def test_both_versions_gone_is_said_clearly(repo: Path, server: KoladaServer) -> None:
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("fallback_url:", f"fallback_url: {server.base}/v2"),
                      encoding="utf-8")
    goal = repo / "plans/uppsala-amn/bistandsplan/goals/1.yaml"
    goal.write_text(goal.read_text(encoding="utf-8").replace("N31807", "N31816"), encoding="utf-8")
    server.v3_absent = True
    proc = fetch(repo)
    assert proc.returncode == 1
    assert "Kolada cannot be reached:" in proc.stderr
    assert "/v3/kpi/N31816 answered HTTP 404" in proc.stderr and "/v2/kpi/N31816 answered HTTP 410" in proc.stderr


def test_check_wants_a_municipality_for_a_kpi(repo: Path) -> None:
    org = repo / "plans/uppsala-amn/organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace('municipality_code: "0380"\n', ""), encoding="utf-8")
    proc = run_avr("check", "--repo", repo)
    assert proc.returncode == 1 and "goals/1.yaml:" in proc.stderr and " E803 " in proc.stderr


def test_conflicting_outcome_in_two_places_is_an_error(repo: Path) -> None:
    entry = repo / OUTCOMES / "2021/hushall.yaml"
    entry.parent.mkdir(parents=True)
    entry.write_text('indicator: hushall\nperiod: "2021"\nvalue: 3 000\n', encoding="utf-8")
    proc = run_avr("check", "--repo", repo)
    assert proc.returncode == 1
    assert re.search(r"outcomes/2021/hushall.yaml:1:12: E802 outcome of `hushall` for 2021 is also given in "
                     r"\S+goal-1.yaml with another value \(value 2950 there, 3000 here\)", proc.stderr), proc.stderr



def test_duplicate_and_misfiled_outcome_entries(repo: Path) -> None:
    for folder in ("2021", "2022"):
        (repo / OUTCOMES / folder).mkdir(parents=True)
        (repo / OUTCOMES / folder / "andel.yaml").write_text(
            'indicator: andel-bistand\nperiod: "2021"\nvalue: 4,1\n', encoding="utf-8")
    proc = run_avr("check", "--repo", repo)
    assert proc.returncode == 1
    assert "outcomes/2022/andel.yaml:1:12: E801 outcome of `andel-bistand` for 2021 is already given in " in proc.stderr
    assert "outcomes/2022/andel.yaml:2:9: W801 outcome for period 2021 is filed under `2022/`" in proc.stderr


def test_retry_after_in_seconds_or_as_a_date_and_capped() -> None:
    from datetime import datetime, timedelta
    from email.utils import format_datetime

    from avr.kolada import MAX_RETRY_AFTER, _retry_after

    assert _retry_after("3") == 3.0
    assert _retry_after("100000") == MAX_RETRY_AFTER
    assert _retry_after(None) == 0.0 and _retry_after("soon") == 0.0
    assert _retry_after(format_datetime(datetime(2015, 10, 21, tzinfo=UTC), usegmt=True)) == 0.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= _retry_after(later) <= 30


def test_network_error_leaves_repo_untouched(repo: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = snapshot(repo)
    proc = fetch(repo, "--base-url", f"http://127.0.0.1:{port}/v3")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "network error" in proc.stderr and "3 attempt(s); nothing was written" in proc.stderr
    assert snapshot(repo) == before


# ------------------------------------------------------------------ a hostile server at kolada.base_url


def patient(repo: Path, timeout: float = 5, attempts: int = 1) -> None:
    """One attempt per request (a retry would get the recorded answer and hide the first)."""
    config = repo / "avr.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("timeout_seconds: 5", f"timeout_seconds: {timeout}")
                      .replace("attempts: 3", f"attempts: {attempts}"), encoding="utf-8")


def refused_cleanly(repo: Path, before: dict[str, str], *, seconds: float = 30) -> str:
    """`avr fetch kolada` under a memory limit: exit 1, the address's file named, no traceback, nothing written."""
    proc, took = run_bounded("fetch", "kolada", "--repo", repo, timeout=120)
    output = clean_exit(proc)
    assert proc.returncode == 1, output
    assert "(Kolada's address: kolada.base_url in avr.yaml); nothing was written" in proc.stderr, output
    assert took < seconds, f"took {took:.1f} s"
    assert snapshot(repo) == before
    return proc.stderr


def headers(h: BaseHTTPRequestHandler, extra: dict[str, str]) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    for key, value in extra.items():
        h.send_header(key, value)
    h.end_headers()


def test_a_huge_answer_is_cut_at_the_cap(repo: Path, server: KoladaServer) -> None:
    def huge(h: BaseHTTPRequestHandler) -> None:  # 1.5 GB without a Content-Length
        headers(h, {"Connection": "close"})
        h.wfile.write(b'{"values": [')
        chunk = b" " * 2**20
        for _ in range(1536):
            h.wfile.write(chunk)

    server.custom["huge"] = huge
    server.script = ["", "huge"]
    patient(repo)
    before = snapshot(repo)
    stderr = refused_cleanly(repo, before)
    assert "is larger than avr reads (33554432 bytes)" in stderr


def test_a_declared_huge_answer_is_refused_before_reading(repo: Path, server: KoladaServer) -> None:
    def declared(h: BaseHTTPRequestHandler) -> None:
        headers(h, {"Content-Length": str(1536 * 2**20)})
        h.wfile.write(b'{"values": [')

    server.custom["declared"] = declared
    server.script = ["", "declared"]
    patient(repo)
    stderr = refused_cleanly(repo, snapshot(repo))
    assert f"is {1536 * 2**20} bytes, more than avr reads" in stderr


def test_a_gzip_bomb_is_cut_at_the_cap(repo: Path, server: KoladaServer) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b" " * 2**20
    bomb = packer.compress(b'{"values": [') + b"".join(packer.compress(zeros) for _ in range(3072)) + packer.flush()
    assert len(bomb) < 4 * 2**20  # about 3 MB on the wire, 3 GB unpacked

    def gzipped(h: BaseHTTPRequestHandler) -> None:
        headers(h, {"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
        h.wfile.write(bomb)

    server.custom["bomb"] = gzipped
    server.script = ["", "bomb"]
    patient(repo)
    stderr = refused_cleanly(repo, snapshot(repo))
    assert "is larger than avr reads (33554432 bytes decompressed)" in stderr


def test_a_dribbling_answer_ends_at_the_timeout(repo: Path, server: KoladaServer) -> None:
    body = server.fixture("data-N31807-0380-p1.json").encode("utf-8")

    def dribble(h: BaseHTTPRequestHandler) -> None:  # one byte every 0.2 s: about 3 minutes for the page
        headers(h, {"Content-Length": str(len(body))})
        for byte in body:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.2)

    def slow_headers(h: BaseHTTPRequestHandler) -> None:  # the status line and headers as slowly
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 1000:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.2)

    server.custom.update(dribble=dribble, slow_headers=slow_headers)
    patient(repo, timeout=2)
    before = snapshot(repo)
    for action in ("dribble", "slow_headers"):
        server.script = ["", action]
        stderr = refused_cleanly(repo, before, seconds=10)
        assert "no answer within 2 s (timeout), 1 attempt(s)" in stderr


def test_redirects_to_another_host_are_not_followed(repo: Path, server: KoladaServer) -> None:
    elsewhere = KoladaServer()  # another port: another origin
    elsewhere.thread.start()
    try:
        def away(h: BaseHTTPRequestHandler) -> None:
            h.send_response(302)
            h.send_header("Location", f"{elsewhere.base}/v3/data/kpi/N31807/municipality/0380/year/2020,2021,2022")
            h.send_header("Content-Length", "0")
            h.end_headers()

        def next_away(h: BaseHTTPRequestHandler) -> None:
            server.send(h, 200, server.fixture("data-N31807-0380-p1.json").replace(server.base, elsewhere.base))

        server.custom.update(away=away, next_away=next_away)
        patient(repo)
        before = snapshot(repo)
        server.script = ["", "away"]
        stderr = refused_cleanly(repo, before)
        assert f"redirects to another host ({elsewhere.base}/v3/data/" in stderr and "not followed" in stderr
        server.script = ["", "next_away"]
        stderr = refused_cleanly(repo, before)
        assert f"next page link from {server.base}/v3/data/" in stderr and "leads to another host" in stderr
        assert elsewhere.requests == []
    finally:
        elsewhere.httpd.shutdown()
        elsewhere.httpd.server_close()


def test_a_redirect_on_the_same_host_is_followed(repo: Path, server: KoladaServer) -> None:
    def moved(h: BaseHTTPRequestHandler) -> None:
        h.send_response(301)
        h.send_header("Location", "/v3/data/kpi/N31807/municipality/0380/year/2020,2021,2022?page=1")
        h.send_header("Content-Length", "0")
        h.end_headers()

    server.custom["moved"] = moved
    server.script = ["", "moved"]
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 3 outcome files" in proc.stderr


@pytest.mark.parametrize(("name", "body", "message"), [
    ("deep", '{"values": [' + "[" * 200_000 + "]" * 200_000 + "]}", "is nested too deeply"),
    ("superscript period", '{"values": [{"kpi": "N31807", "municipality": "0380", "period": "\u00b2\u2070\u00b2\u00b9", '
     '"values": []}]}', "`period` '\u00b2\u2070\u00b2\u00b9' is not a year"),
    ("huge period", '{"values": [{"kpi": "N31807", "municipality": "0380", "period": 1' + "0" * 40 + ', "values": []}]}',
     "is not a year"),
    ("long number", '{"values": [{"kpi": "N31807", "municipality": "0380", "period": 2021, "values": '
     '[{"gender": "T", "value": 1' + "0" * 5000 + "}]}]}", "is not valid JSON"),
    ("broken next link", '{"values": [], "next_url": "http://[::1"}', "leads to another host (http://[::1)"),
    ("control characters", '{"values": [{"kpi": "N31807", "municipality": "0380", "period": "2021\\u001b[2J", '
     '"values": []}]}', "`period` '2021\\x1b[2J' is not a year"),
])
def test_odd_answers_are_clean_errors(repo: Path, server: KoladaServer, name: str, body: str, message: str) -> None:
    server.custom["odd"] = lambda h: server.send(h, 200, body)
    server.script = ["", "odd"]
    patient(repo)
    stderr = refused_cleanly(repo, snapshot(repo))
    assert message in stderr, stderr
    assert "\x1b" not in stderr


def test_server_text_is_printed_with_control_characters_escaped(repo: Path, server: KoladaServer) -> None:
    page = json.loads(server.fixture("data-N31807-0380-p2.json"))
    page["values"][1]["values"][0]["status"] = "Missing\x1b]8;;http://evil.example\x07klick\x1b[2J\u202egnissim"

    def refusing(h: BaseHTTPRequestHandler) -> None:
        h.send_response(403, "Forbidden\x1b[31m red")
        h.send_header("Content-Length", "0")
        h.end_headers()

    server.custom.update(controls=lambda h: server.send(h, 200, json.dumps(page)), refusing=refusing)
    server.script = ["", "", "controls"]
    proc, _ = run_bounded("fetch", "kolada", "--repo", repo)
    assert proc.returncode == 0, proc.stderr
    assert "gender K (Missing\\x1b]8;;http://evil.example\\x07klick\\x1b[2J\\u202egnissim)" in proc.stderr
    server.script = ["", "refusing"]
    patient(repo)
    proc, _ = run_bounded("fetch", "kolada", "--repo", repo, "--update")
    assert proc.returncode == 1 and "HTTP 403" in proc.stderr, proc.stderr
    for output in (proc.stderr, proc.stdout):
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output


def v3_row(year: int, *values: dict[str, object], deleted: bool = False) -> dict[str, object]:
    row: dict[str, object] = {"kpi": "N31807", "municipality": "0380", "period": year, "values": list(values)}
    if deleted:
        row["isdeleted"] = True
    return row


def test_values_flagged_deleted_are_never_stored(repo: Path, server: KoladaServer) -> None:
    """Kolada v3 flags withdrawn data with `isdeleted` on a row or on one gender's value object."""
    page = {"count": 3, "next_url": None, "previous_url": None, "values": [
        v3_row(2020, {"gender": "T", "count": 1, "status": "", "value": 4.3},
               {"gender": "T", "count": 1, "status": "", "value": 99.0, "isdeleted": True}),
        v3_row(2021, {"gender": "T", "count": 1, "status": "", "value": 77.0}, deleted=True),
        v3_row(2021, {"gender": "T", "count": 1, "status": "", "value": 99.0, "isdeleted": True},
               {"gender": "T", "count": 1, "status": "", "value": 4.1},
               {"gender": "K", "count": 1, "status": "", "value": 88.0, "isdeleted": True}),
    ]}
    server.custom["page"] = lambda h: server.send(h, 200, json.dumps(page))
    server.script = ["", "page"]
    proc = fetch(repo)
    assert proc.returncode == 0, proc.stderr
    stored = {p.parent.name: p.read_text(encoding="utf-8") for p in (repo / OUTCOMES).rglob("*.yaml")}
    assert sorted(stored) == ["2020", "2021"]
    assert "value: 4.3\n" in stored["2020"] and "value: 4.1\n" in stored["2021"]
    assert not any(n in text for text in stored.values() for n in ("99", "77", "88", "women"))


def test_two_live_values_for_one_gender_are_an_error_naming_both(repo: Path, server: KoladaServer) -> None:
    page = {"count": 2, "next_url": None, "previous_url": None, "values": [
        v3_row(2021, {"gender": "T", "count": 1, "status": "", "value": 4.1}),
        v3_row(2021, {"gender": "K", "count": 1, "status": "", "value": 3.9},
               {"gender": "T", "count": 1, "status": "", "value": 5.2}),
    ]}
    server.custom["page"] = lambda h: server.send(h, 200, json.dumps(page))
    server.script = ["", "page"]
    before = snapshot(repo)
    stderr = refused_cleanly(repo, before)
    assert "Kolada gives two live values for N31807 0380 2021 gender T: 4.1 and 5.2" in stderr
