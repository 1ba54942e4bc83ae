"""One careful HTTP client for every network source.

Timeouts, a descriptive User-Agent, gzip, a redirect limit followed by hand (so each hop is
checked against the address policy after DNS resolution), a body size cap enforced while
streaming, retries with exponential backoff and jitter on timeouts, 429 and 5xx (honouring
Retry-After, bounded in count and total time), conditional requests, and a minimum interval
between requests to one host.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from newsflow.urls import AddressRefused, Resolver, check_url, system_resolver

log = logging.getLogger(__name__)

USER_AGENT = "newsflow/0.1 (+https://github.com/newsflow; news pipeline; respects robots.txt)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request that did not produce a usable response; ``reason`` goes to quarantine."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass
class Response:
    url: str  # final URL after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool = False

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass
class HttpPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled per attempt, plus jitter
    max_retry_after: float = 30.0
    total_deadline: float = 60.0  # per URL, all attempts included
    host_interval: float = 1.0  # minimum seconds between requests to one host
    allow_loopback: bool = False
    allow_private: bool = False


@dataclass
class HttpClient:
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    resolver: Resolver = system_resolver
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=lambda: random.Random(0))

    def __post_init__(self) -> None:
        p = self.policy
        self._client = httpx.Client(
            transport=self.transport, follow_redirects=False, trust_env=False,
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
        self._last_request: dict[str, float] = {}
        self.requests = 0

    def share_host_times(self, times: dict[str, float]) -> None:
        """Clients of one fetch task share when each host was last asked, so sources on the same
        host share its rate limit."""
        self._last_request = times

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET with redirects, retries and caps. Raises FetchError with a reason."""
        start = self.clock()
        attempt = 0
        while True:
            try:
                return self._follow(url, etag, last_modified)
            except _Retryable as exc:
                attempt += 1
                delay = exc.retry_after if exc.retry_after is not None else \
                    self.policy.backoff * 2 ** (attempt - 1) * (1 + self.rng.random())
                if attempt > self.policy.retries or delay > self.policy.max_retry_after or \
                        self.clock() - start + delay > self.policy.total_deadline:
                    raise FetchError(f"{exc.reason} (gave up after {attempt} attempts)", exc.status) from None
                log.info("retrying %s in %.1fs: %s", url, delay, exc.reason)
                self.sleep(delay)

    def _follow(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        seen = []
        for _ in range(self.policy.max_redirects + 1):
            try:
                check_url(url, self.resolver, self.policy.allow_loopback, self.policy.allow_private)
            except AddressRefused as exc:
                raise FetchError(f"refused {url}: {exc}") from None
            if url in seen:
                raise FetchError(f"redirect loop at {url}")
            seen.append(url)
            resp = self._request(url, etag if not seen[:-1] else None, last_modified if not seen[:-1] else None)
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(f"redirect without a Location from {url}", resp.status)
                url = urljoin(url, location)
                continue
            return resp
        raise FetchError(f"more than {self.policy.max_redirects} redirects from {seen[0]}")

    def _request(self, url: str, etag: str | None, last_modified: str | None) -> Response:
        host = urlsplit(url).netloc
        wait = self._last_request.get(host, -1e9) + self.policy.host_interval - self.clock()
        if wait > 0:
            self.sleep(wait)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                self._last_request[host] = self.clock()
                if r.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {r.status_code} from {url}", r.status_code,
                                     _retry_after(r.headers.get("retry-after"), self.clock))
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.policy.max_bytes:
                    raise FetchError(f"body of {declared} bytes is over the {self.policy.max_bytes} limit", r.status_code)
                chunks, size = [], 0
                for chunk in r.iter_bytes():  # decompressed: a gzip bomb stops at the cap too
                    size += len(chunk)
                    if size > self.policy.max_bytes:
                        raise FetchError(f"body over the {self.policy.max_bytes} byte limit", r.status_code)
                    chunks.append(chunk)
                body = b"".join(chunks)
                headers_out = {k.lower(): v for k, v in r.headers.items()}
        except httpx.TimeoutException as exc:
            self._last_request[host] = self.clock()
            raise _Retryable(f"timeout ({type(exc).__name__}) fetching {url}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise FetchError(f"broken response from {url}: {exc}") from None
        except httpx.DecodingError as exc:
            raise FetchError(f"undecodable body from {url}: {exc}") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed to {url}: {exc}") from None
        if r.status_code == 304:
            return Response(url, 304, headers_out, b"", not_modified=True)
        if r.status_code >= 400:
            raise FetchError(f"HTTP {r.status_code} from {url}", r.status_code)
        return Response(url, r.status_code, headers_out, body)


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.retry_after = reason, status, retry_after


def _retry_after(value: str | None, clock) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def decode_body(body: bytes, content_type: str | None) -> str:
    """Bytes to text: a declared charset when it decodes cleanly, else detection.

    Covers the three cases news sites get wrong: declared (trust it if it fits), undeclared
    (Latin-1 pages), and wrongly declared (UTF-8 bytes labelled ISO-8859-1 or the reverse).
    """
    declared = None
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"\'')
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    try:
        text = body.decode("utf-8")
        return text  # valid UTF-8 is almost never an accident, whatever was declared
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return body.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    if len(body) >= 200:  # detection needs some text to be reliable
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best)
    return body.decode("cp1252", errors="replace")  # the usual undeclared legacy encoding
