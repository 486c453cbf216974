"""A small client for Kolada's public REST API (v3; v2 only where v3 is absent).

Only what `avr fetch kolada` needs: KPI metadata (to tell unknown KPI ids) and data values per
KPI, municipality and year. Every request has a timeout; 429 (honouring ``Retry-After``), 5xx,
timeouts and connection errors are retried with exponential back-off a bounded number of times.
Everything is read and checked before anything is returned, so a failure leaves no half result.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from avr import __version__
from avr.errors import AvrError
from avr.model.config import KoladaConfig

MAX_SEGMENT = 25  # Kolada takes at most 25 comma-separated ids per URL segment
MAX_PAGES = 1000
MAX_RETRY_AFTER = 300.0
GENDERS = ("T", "K", "M")


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
            headers={"Accept": "application/json", "User-Agent": f"avr/{__version__}"},
            follow_redirects=True,
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
        return rows

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
        raise KoladaError("Kolada cannot be reached: " + "; ".join(failures) +
                          " (v2 was shut down in March 2026; set kolada.base_url in avr.yaml or use --base-url "
                          "for a mirror)")

    def _version_there(self, base: str) -> bool:
        try:
            self._get(f"{base}/kpi", {"per_page": "1"})
        except _Absent:
            return False
        return True

    def _walk(self, payload: Any, url: str) -> Iterator[Any]:
        seen = {url}
        for _ in range(MAX_PAGES):
            if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
                raise KoladaError(f"Kolada's answer from {url} is not the expected shape "
                                  "(an object with a `values` list)")
            yield from payload["values"]
            following = payload.get("next_url") or payload.get("next_page")
            if not following:
                return
            if not isinstance(following, str) or not following.startswith(("http://", "https://")):
                raise KoladaError(f"Kolada's answer from {url} has a bad next page link: {following!r}")
            if following in seen:
                raise KoladaError(f"Kolada's next page link from {url} leads back to a page already read")
            seen.add(following)
            url = following
            try:
                payload = self._get(url, {})
            except _Absent as exc:
                raise KoladaError(f"Kolada's next page {exc}") from None
        raise KoladaError(f"Kolada's answer has more than {MAX_PAGES} pages; ask for fewer years or KPIs")

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
                response = self._http.get(url, params=params or None)
            except httpx.TimeoutException:
                last = f"no answer within {self.config.timeout_seconds:g} s (timeout)"
            except httpx.TransportError as exc:
                last = f"network error: {exc or type(exc).__name__}"
            else:
                status = response.status_code
                if status in (404, 410):
                    raise _Absent(url, status)
                if status == 429 or status >= 500:
                    last = f"HTTP {status}" + (" (rate limited)" if status == 429 else " (server error)")
                    wait = max(wait, _retry_after(response.headers.get("Retry-After")))
                elif status >= 400:
                    raise KoladaError(f"Kolada refused {response.url}: HTTP {status} {response.reason_phrase}")
                else:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise KoladaError(f"Kolada's answer from {response.url} is not valid JSON ({exc})") from None
            if attempt < attempts:
                self.notes.append(f"{url}: {last}; trying again in {wait:g} s")
                self.sleep(wait)
        raise KoladaError(f"Kolada at {url}: {last}, {attempts} attempt(s)")

    def _row(self, item: Any, route: str) -> DataRow | None:
        def bad(why: str) -> KoladaError:
            return KoladaError(f"Kolada's answer for {route} is malformed: {why}")

        if not isinstance(item, dict):
            raise bad("a data row is not an object")
        if item.get("isdeleted"):
            return None
        kpi, municipality, period = item.get("kpi"), item.get("municipality"), item.get("period")
        if not isinstance(kpi, str) or not isinstance(municipality, str):
            raise bad("a data row lacks `kpi` or `municipality`")
        if isinstance(period, bool) or not (isinstance(period, int) or (isinstance(period, str) and period.isdigit())):
            raise bad(f"`period` {period!r} is not a year")
        values = item.get("values")
        if not isinstance(values, list):
            raise bad("a data row lacks its `values` list")
        out = []
        for v in values:
            if not isinstance(v, dict) or v.get("gender") not in GENDERS:
                raise bad(f"a value has no gender T, K or M: {v!r}"[:200])
            number = v.get("value")
            if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))
                                       or not math.isfinite(number)):
                raise bad(f"value {number!r} is not a number")
            status = v.get("status") or ""
            out.append(GenderValue(v["gender"], None if number is None else Decimal(str(number)), str(status)))
        return DataRow(kpi, municipality, int(period), tuple(out))


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
