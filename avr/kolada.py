"""A small client for Kolada's public REST API (v3; v2 only where v3 is absent).

Only what `avr fetch kolada` needs: KPI metadata (to tell unknown KPI ids) and data values per
KPI, municipality and year. Every request has a timeout; 429 (honouring ``Retry-After``), 5xx,
timeouts and connection errors are retried with exponential back-off a bounded number of times.
Everything is read and checked before anything is returned, so a failure leaves no half result.

The address comes from `avr.yaml`, which a pull request can change, so an answer is untrusted: the
whole request (connecting, headers, body) ends at `timeout_seconds` however slowly the server
dribbles, the body is read at most `MAX_BODY_BYTES` after decompression (no gzip bomb), redirects
and next-page links stay on the host asked, nesting and odd values are errors, and server text is
shown with its control characters escaped.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import math
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin

import httpx

from avr import __version__
from avr.errors import AvrError
from avr.i18n import gettext as _
from avr.model.config import KoladaConfig

MAX_SEGMENT = 25  # Kolada takes at most 25 comma-separated ids per URL segment
MAX_PAGES = 1000
MAX_RETRY_AFTER = 300.0
GENDERS = ("T", "K", "M")
# Kolada's largest page (per_page 5000) is a few MB; a body larger than this, once decompressed, is refused.
MAX_BODY_BYTES = 32 * 2**20
MAX_REDIRECTS = 5
MAX_TEXT = 200  # server text quoted in a message is cut here
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def printable(text: object, limit: int = MAX_TEXT) -> str:
    """Server text for a terminal: control, bidi and invisible characters escaped (``\\x1b``), cut."""
    value = str(text)
    cut = value[:limit]
    shown = _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), cut)
    return shown + ("…" if len(value) > limit else "")


def same_host(url: str, base: str) -> bool:
    """``url`` is on the host (and port) of ``base``; https may replace http, never the reverse."""
    try:
        a, b = httpx.URL(url), httpx.URL(base)
    except (httpx.InvalidURL, ValueError):  # not a URL at all: nowhere to follow
        return False
    if a.scheme not in ("http", "https") or (b.scheme == "https" and a.scheme != "https"):
        return False
    return a.host == b.host and a.port == b.port  # httpx gives None for a scheme's default port


class KoladaError(AvrError):
    """Kolada could not be asked or answered something avr cannot use."""


@dataclass(frozen=True)
class GenderValue:
    gender: str  # T total, K kvinnor, M män
    value: Decimal | None
    status: str


@dataclass(frozen=True)
class DataRow:
    kpi: str
    municipality: str
    year: int
    values: tuple[GenderValue, ...]


class _Timeout(Exception):
    """The request did not finish within its time."""


class _Absent(Exception):
    """The API version answered 404/410 for a route: it is not there."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} answered HTTP {status}")
        self.url, self.status = url, status


def chunks(items: Iterable[str], size: int = MAX_SEGMENT) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class KoladaClient:
    config: KoladaConfig
    base_url: str | None = None  # overrides config.base_url (`--base-url`)
    sleep: Callable[[float], None] = time.sleep
    notes: list[str] = field(default_factory=list)
    _base: str | None = None  # the version that answered
    _last: float = 0.0  # monotonic time of the last request

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            timeout=httpx.Timeout(self.config.timeout_seconds),
            # only encodings avr decompresses itself, under the size cap
            headers={"Accept": "application/json", "Accept-Encoding": "gzip, deflate",
                     "User-Agent": f"avr/{__version__}"},
            follow_redirects=False,  # followed by hand, on the same host only
            # a fresh connection per request: its socket is known from the start, so the deadline
            # also covers a server that sends its headers one byte at a time
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ public

    def kpis(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Metadata of the KPIs that exist, by id; chooses the API version that answers."""
        wanted = sorted(set(ids))
        found: dict[str, dict[str, Any]] = {}
        for batch in chunks(wanted):
            for item in self._pages(f"kpi/{','.join(batch)}", {}):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    found[item["id"]] = item
        return found

    def data(self, kpis: Iterable[str], municipality: str, years: Iterable[int]) -> list[DataRow]:
        rows: list[DataRow] = []
        year_list = sorted(set(years))
        for kpi_batch in chunks(sorted(set(kpis))):
            for year_batch in chunks([str(y) for y in year_list]):
                route = f"data/kpi/{','.join(kpi_batch)}/municipality/{municipality}/year/{','.join(year_batch)}"
                for item in self._pages(route, {"per_page": str(self.config.per_page)}):
                    row = self._row(item, route)
                    if row is not None:
                        rows.append(row)
        return merge_rows(rows)

    # ---------------------------------------------------------------- internal

    def _bases(self) -> list[str]:
        if self._base is not None:
            return [self._base]
        first = (self.base_url or self.config.base_url).rstrip("/")
        fallback = self.config.fallback_url.rstrip("/") if self.config.fallback_url and not self.base_url else None
        return [first] + ([fallback] if fallback and fallback != first else [])

    def _pages(self, route: str, params: dict[str, str]) -> Iterator[Any]:
        """Every item of a paged answer, following next_url (v3) or next_page (v2)."""
        failures: list[str] = []
        for base in self._bases():
            try:
                payload = self._get(f"{base}/{route}", params)
            except _Absent as exc:
                if self._base is None and not self._version_there(base):
                    failures.append(str(exc))
                    continue
                # the version is there, so 404 means the ids asked for are not
                return
            self._base = base
            yield from self._walk(payload, f"{base}/{route}")
            return
        raise KoladaError(_("Kolada cannot be reached: {failures} (v2 was shut down in March 2026; set kolada.base_url "
                            "in avr.yaml or use --base-url for a mirror)").format(failures="; ".join(failures)))

    def _version_there(self, base: str) -> bool:
        try:
            self._get(f"{base}/kpi", {"per_page": "1"})
        except _Absent:
            return False
        return True

    def _walk(self, payload: Any, url: str) -> Iterator[Any]:
        seen = {url}
        for _page in range(MAX_PAGES):
            if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
                raise KoladaError(_("Kolada's answer from {url} is not the expected shape "
                                    "(an object with a `values` list)").format(url=url))
            yield from payload["values"]
            following = payload.get("next_url") or payload.get("next_page")
            if not following:
                return
            if not isinstance(following, str) or not following.startswith(("http://", "https://")):
                raise KoladaError(_("Kolada's answer from {url} has a bad next page link: {link}").format(
                    url=url, link=printable(repr(following))))
            if not same_host(following, url):
                raise KoladaError(_("Kolada's next page link from {url} leads to another host ({link}); not followed").format(
                    url=url, link=printable(following)))
            if following in seen:
                raise KoladaError(_("Kolada's next page link from {url} leads back to a page already read").format(url=url))
            seen.add(following)
            url = following
            try:
                payload = self._get(url, {})
            except _Absent as exc:
                raise KoladaError(_("Kolada's next page {url} answered HTTP {status}").format(
                    url=exc.url, status=exc.status)) from None
        raise KoladaError(_("Kolada's answer has more than {count} pages; ask for fewer years or KPIs").format(
            count=MAX_PAGES))

    def _get(self, url: str, params: dict[str, str]) -> Any:
        attempts = self.config.attempts
        last = ""
        for attempt in range(1, attempts + 1):
            wait = self.config.backoff_seconds * 2 ** (attempt - 1)
            gap = self.config.min_interval_seconds - (time.monotonic() - self._last)
            if gap > 0:
                self.sleep(gap)
            self._last = time.monotonic()
            try:
                status, headers, reason, body, where = self._fetch(url, params)
            except _Timeout:
                last = f"no answer within {self.config.timeout_seconds:g} s (timeout)"
            except httpx.TransportError as exc:
                last = f"network error: {printable(exc or type(exc).__name__)}"
            else:
                if status in (404, 410):
                    raise _Absent(url, status)
                if status == 429 or status >= 500:
                    last = f"HTTP {status}" + (" (rate limited)" if status == 429 else " (server error)")
                    wait = max(wait, _retry_after(headers.get("Retry-After")))
                elif status >= 400:
                    raise KoladaError(_("Kolada refused {where}: HTTP {status} {reason}").format(
                        where=where, status=status, reason=printable(reason)))
                else:
                    return _parse(body, where)
            if attempt < attempts:
                self.notes.append(_("{url}: {problem}; trying again in {wait:g} s").format(url=url, problem=last, wait=wait))
                self.sleep(wait)
        raise KoladaError(_("Kolada at {url}: {problem}, {count} attempt(s)").format(url=url, problem=last, count=attempts))

    def _fetch(self, url: str, params: dict[str, str]) -> tuple[int, httpx.Headers, str, bytes, str]:
        """One GET, redirects on the same host followed: (status, headers, reason, body, final URL).

        A timer cuts the connection's socket when `timeout_seconds` have passed since the start,
        whatever phase the request is in; httpx's own timeouts bound each read, not the whole.
        """
        timeout = self.config.timeout_seconds
        sockets: list[socket.socket] = []
        expired = threading.Event()
        lock = threading.Lock()

        def cut() -> None:
            with lock:
                expired.set()
                for sock in sockets:
                    # the plain socket's shutdown, also under TLS: the reading thread gets end of file
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)

        def trace(event: str, info: dict[str, Any]) -> None:
            if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
                stream = info.get("return_value")
                sock = stream.get_extra_info("socket") if stream is not None else None
                if isinstance(sock, socket.socket):
                    with lock:
                        sockets.append(sock)
                    if expired.is_set():
                        cut()

        timer = threading.Timer(timeout, cut)
        timer.daemon = True
        timer.start()
        deadline = time.monotonic() + timeout
        try:
            current, query = url, params or None
            for _hop in range(MAX_REDIRECTS + 1):
                with self._http.stream("GET", current, params=query, extensions={"trace": trace}) as response:
                    location = response.headers.get("Location")
                    if response.is_redirect and location is not None:
                        target = urljoin(str(response.url), location)
                        if not same_host(target, str(response.url)):
                            raise KoladaError(_("Kolada at {url} redirects to another host ({target}); not followed").format(
                                url=response.url, target=printable(target)))
                        current, query = target, None
                        continue
                    body = _read_body(response, deadline, expired)
                    return (response.status_code, response.headers, response.reason_phrase, body,
                            str(response.url))
            raise KoladaError(_("Kolada at {url} redirects more than {count} times").format(url=url, count=MAX_REDIRECTS))
        except (httpx.TransportError, OSError) as exc:
            if expired.is_set() or isinstance(exc, httpx.TimeoutException):
                raise _Timeout from None
            if isinstance(exc, httpx.TransportError):
                raise
            raise httpx.TransportError(str(exc)) from None
        finally:
            timer.cancel()

    def _row(self, item: Any, route: str) -> DataRow | None:
        def bad(why: str) -> KoladaError:
            return KoladaError(_("Kolada's answer for {route} is malformed: {why}").format(route=route, why=why))

        if not isinstance(item, dict):
            raise bad(_("a data row is not an object"))
        if item.get("isdeleted"):
            return None
        kpi, municipality, period = item.get("kpi"), item.get("municipality"), item.get("period")
        if not isinstance(kpi, str) or not isinstance(municipality, str):
            raise bad(_("a data row lacks `kpi` or `municipality`"))
        if isinstance(period, bool) or not (
                (isinstance(period, int) and 1000 <= period <= 9999)
                or (isinstance(period, str) and re.fullmatch(r"[0-9]{4}", period))):
            raise bad(_("`period` {period} is not a year").format(period=printable(repr(period))))
        values = item.get("values")
        if not isinstance(values, list):
            raise bad(_("a data row lacks its `values` list"))
        out = []
        for v in values:
            if not isinstance(v, dict) or v.get("gender") not in GENDERS:
                raise bad(_("a value has no gender T, K or M: {value}").format(value=printable(repr(v))))
            if v.get("isdeleted"):  # withdrawn by Kolada, like a row flagged so
                continue
            number = v.get("value")
            if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))
                                       or not math.isfinite(number)):
                raise bad(_("value {value} is not a number").format(value=printable(repr(number))))
            status = v.get("status") or ""
            out.append(GenderValue(v["gender"], None if number is None else Decimal(str(number)),
                                   printable(status)))
        return DataRow(kpi, municipality, int(period), tuple(out))


def merge_rows(rows: list[DataRow]) -> list[DataRow]:
    """One row per KPI, municipality and year; two live values for one gender are an error, never
    last-one-wins (a value without a number gives way to one with)."""
    merged: dict[tuple[str, str, int], dict[str, GenderValue]] = {}
    for row in rows:
        slot = merged.setdefault((row.kpi, row.municipality, row.year), {})
        for gv in row.values:
            prior = slot.get(gv.gender)
            if prior is not None and prior.value is not None and gv.value is not None:
                raise KoladaError(_("Kolada gives two live values for {kpi} {municipality} {year} gender {gender}: "
                                    "{first} and {second}; which one holds is unclear").format(
                    kpi=printable(row.kpi), municipality=printable(row.municipality), year=row.year, gender=gv.gender,
                    first=prior.value, second=gv.value))
            if prior is None or prior.value is None:
                slot[gv.gender] = gv
    return [DataRow(kpi, municipality, year, tuple(values.values()))
            for (kpi, municipality, year), values in merged.items()]


def _read_body(response: httpx.Response, deadline: float, expired: threading.Event) -> bytes:
    """The body, decompressed by avr under MAX_BODY_BYTES, read until the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise KoladaError(_("Kolada's answer from {url} is {size} bytes, more than avr reads ({most} bytes)").format(
            url=response.url, size=int(declared), most=MAX_BODY_BYTES))
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    inflater: Any
    if encoding in ("", "identity"):
        inflater = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS)
    else:
        raise KoladaError(_("Kolada's answer from {url} has an encoding avr does not read ({encoding})").format(
            url=response.url, encoding=printable(encoding)))
    parts: list[bytes] = []
    size = 0

    def take(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > MAX_BODY_BYTES:
            raise KoladaError((_("Kolada's answer from {url} is larger than avr reads ({most} bytes decompressed)")
                               if inflater else _("Kolada's answer from {url} is larger than avr reads ({most} bytes)")
                               ).format(url=response.url, most=MAX_BODY_BYTES))
        parts.append(data)

    try:
        for raw in response.iter_raw(65536):
            if expired.is_set() or time.monotonic() > deadline:
                raise _Timeout
            if inflater is None:
                take(raw)
                continue
            data = raw
            while data:  # at most what is still allowed (+1 to notice more) per step: a bomb stops at the cap
                take(inflater.decompress(data, MAX_BODY_BYTES - size + 1))
                data = inflater.unconsumed_tail
        if inflater is not None:
            take(inflater.flush())
    except zlib.error as exc:
        raise KoladaError(_("Kolada's answer from {url} cannot be decompressed ({reason})").format(
            url=response.url, reason=exc)) from None
    if expired.is_set():  # the socket was cut: what arrived is not the whole answer
        raise _Timeout
    return b"".join(parts)


def _parse(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        raise KoladaError(_("Kolada's answer from {url} is nested too deeply to be Kolada's").format(url=url)) from None
    except ValueError as exc:  # also UnicodeDecodeError and integers too long to read
        raise KoladaError(_("Kolada's answer from {url} is not valid JSON ({reason})").format(
            url=url, reason=printable(exc))) from None


def _retry_after(header: str | None) -> float:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not header:
        return 0.0
    try:
        return min(max(float(header), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return 0.0
    return min(max(when.timestamp() - time.time(), 0.0), MAX_RETRY_AFTER)
