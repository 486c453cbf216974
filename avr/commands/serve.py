"""`avr serve`: rebuild on every save, serve the reports on 127.0.0.1, reload the browser.

The built files stay exactly what `avr build` writes (no scripts): the small reload script is
added only to HTML *responses*. It polls ``/__avr/version``, which changes after each rebuild.
While the repository has errors, every page shows them (``file:line:col CODE message``) instead
of the last good reports, so nobody reads stale output by mistake.

Only files inside the output folder are served, never through a symbolic link (a link there could
lead anywhere on the machine), and only to requests whose ``Host`` is this server's own address: a
web page elsewhere cannot reach it through DNS rebinding.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import TemplateError
from watchfiles import DefaultFilter, watch

from avr.errors import AvrError, Diagnostics, InvalidInput
from avr.i18n import gettext as _
from avr.i18n import ngettext
from avr.load.layout import OUTPUT_DIR, PLANS_DIR
from avr.model.repository import CONFIG_NAME, read_config
from avr.render.labels import load_labels

VERSION_PATH = "/__avr/version"
REFUSED = ".avr-serve-refused/none"  # a name avr never writes: answered with 404
RELOAD = (
    "<script nonce=\"{nonce}\">/* avr serve: reload after a rebuild; not part of the built files */"
    "(function(){{var v={version};setInterval(function(){{fetch('{path}',{{cache:'no-store'}})"
    ".then(function(r){{return r.json()}}).then(function(d){{if(d.version!==v)location.reload()}})"
    ".catch(function(){{}})}},400)}})();</script>"
)


@dataclass
class State:
    """What the server shows: a version that changes on every rebuild, and the errors if any."""

    version: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the build's, as `avr build` prints them (terminal only)
    lock: threading.Lock = field(default_factory=threading.Lock)


def rebuild(root: Path, out_dir: Path | None, state: State) -> Path:
    """Check and build (incrementally: a save re-renders only the plans it touches); on errors keep the
    message list instead. Returns the output folder."""
    from avr.build.engine import build

    load_labels.cache_clear()  # a repository's own labels/ may have changed
    errors: list[str] = []
    warnings: list[str] = []
    target: Path | None = None
    try:
        result = build(root, out_dir, jobs=os.cpu_count() or 1)
        target = result.out_dir
        warnings = [d.format() for d in result.shown().sorted()]
    except InvalidInput as exc:
        errors = [d.format() for d in Diagnostics.of(exc.diagnostics.sorted()).errors]
    except (AvrError, TemplateError, OSError) as exc:
        errors = [f"avr: {exc}"]
    if target is None:  # no build said where it writes: where the next one will
        target = out_dir or root / _output_dir(root)
    with state.lock:
        state.errors = errors
        state.warnings = warnings
        state.version += 1
    return target


def error_page(errors: list[str], language: str) -> str:
    labels = load_labels(language)
    title = html.escape(str(labels("serve", "title")))
    items = "\n".join(f"<li><code>{html.escape(e)}</code></li>" for e in errors)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;margin:2rem;max-width:60rem}li{margin:.4rem 0}"
        "code{white-space:pre-wrap}</style></head>\n"
        f"<body><h1>{title}</h1><p>{html.escape(str(labels('serve', 'hint')))}</p><ul>\n{items}\n</ul></body></html>\n"
    )


_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


def inject(page: str, version: int) -> str:
    """The page with the reload script; its Content-Security-Policy (no script at all) then allows this one
    script, by a nonce of this response, and its questions to the server."""
    nonce = secrets.token_urlsafe(16)
    snippet = RELOAD.format(version=version, path=VERSION_PATH, nonce=nonce)
    page = _CSP.sub(lambda m: f"{m[1]}{m[2]}; script-src 'nonce-{nonce}'; connect-src 'self'{m[3]}", page)
    at = page.rfind("</body>")
    return page[:at] + snippet + page[at:] if at >= 0 else page + snippet


class Handler(SimpleHTTPRequestHandler):
    state: State
    language: str

    def __init__(self, *args: Any, state: State, language: str, **kwargs: Any) -> None:
        self.state, self.language = state, language
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows rebuilds, not every request

    def _host_ok(self) -> bool:
        """The Host header names this server: 127.0.0.1, localhost or [::1], with its port."""
        port = getattr(self.server, "server_port", None)
        host = (self.headers.get("Host") or "").strip().lower()
        return host in {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}

    def translate_path(self, path: str) -> str:
        """The file for ``path``, or a name that does not exist when a symbolic link lies on the way."""
        file = super().translate_path(path)
        base = Path(self.directory).resolve()
        try:
            inside = Path(os.path.abspath(file)).relative_to(os.path.abspath(self.directory))
        except ValueError:
            return str(base / REFUSED)
        current = base
        for part in inside.parts:
            current = current / part
            if current.is_symlink():
                return str(base / REFUSED)
        return file

    def send_head(self) -> Any:
        if not self._host_ok():
            self.send_error(421, "Misdirected Request: avr serve answers only at its own address")
            return None
        return super().send_head()

    def do_GET(self) -> None:
        if not self._host_ok():
            self.send_error(421, "Misdirected Request: avr serve answers only at its own address")
            return
        path = urlsplit(self.path).path
        with self.state.lock:
            version, errors = self.state.version, list(self.state.errors)
        if path == VERSION_PATH:
            self._send(json.dumps({"version": version, "errors": len(errors)}), "application/json")
            return
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            file = file / "index.html"
        if errors and (file.suffix == ".html" or not file.exists()):
            self._send(inject(error_page(errors, self.language), version), "text/html; charset=utf-8")
        elif file.suffix == ".html" and file.is_file():
            self._send(inject(file.read_text(encoding="utf-8"), version), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def _send(self, text: str, content_type: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _output_dir(root: Path) -> str:
    """avr.yaml's output_dir, or the default while avr.yaml is broken."""
    try:
        return read_config(root).config.output_dir
    except InvalidInput:
        return OUTPUT_DIR


def _watched(root: Path) -> tuple[list[Path], str]:
    """avr.yaml, the plans and the repository's own templates; and the report language."""
    try:
        config = read_config(root).config
    except InvalidInput:  # avr.yaml itself is broken: watch the usual places until it is fixed
        paths, language = [root / CONFIG_NAME, root / PLANS_DIR], "sv"
    else:
        paths, language = [root / CONFIG_NAME, root / config.plans_dir], config.language
        if config.templates_dir:
            paths.append(root / config.templates_dir)
    return [p for p in paths if p.exists()], language


def serve(root: Path, out_dir: Path | None, port: int, say: Callable[[str], None],
          stop: threading.Event | None = None) -> int:
    state = State()
    target = rebuild(root, out_dir, state)
    target.mkdir(parents=True, exist_ok=True)
    paths, language = _watched(root)
    handler = partial(Handler, state=state, language=language, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="avr-serve", daemon=True)
    thread.start()
    say(_("serving {folder} at {address} (Ctrl-C stops)").format(
        folder=target, address=f"http://127.0.0.1:{server.server_address[1]}/"))
    say(_summary(state))
    ignore = DefaultFilter(ignore_paths=[target.resolve()])
    stop = stop or threading.Event()
    previous = _stop_on_signals(stop)
    try:
        for _changes in watch(*paths, watch_filter=ignore, debounce=300, step=50, stop_event=stop):
            rebuild(root, out_dir, state)
            say(_summary(state))
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.shutdown()
        server.server_close()
    say("stopped")
    return 0


def _stop_on_signals(stop: threading.Event) -> dict[int, Any]:
    """Ctrl-C (and a service manager's SIGTERM) end the watch loop, also when started from a script
    whose shell ignores SIGINT for background jobs."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    return previous


def _summary(state: State) -> str:
    with state.lock:
        if state.errors:
            count = len(state.errors)
            return ngettext("build {version}: {count} error, shown in the browser:",
                            "build {version}: {count} errors, shown in the browser:", count).format(
                version=state.version, count=count) + "\n" + "\n".join(state.errors)
        if state.warnings:
            count = len(state.warnings)
            return ngettext("build {version}: ok, {count} warning:", "build {version}: ok, {count} warnings:", count).format(
                version=state.version, count=count) + "\n" + "\n".join(state.warnings)
        return _("build {version}: ok").format(version=state.version)
