"""One careful HTTP client for every network source.

Timeouts, a descriptive User-Agent, gzip, a redirect limit followed by hand (so each hop is
checked against the address policy), a body size cap enforced while streaming and while
decompressing, retries with exponential backoff and jitter on timeouts, 429 and 5xx (honouring
Retry-After, bounded in count and total time), conditional requests, and a minimum interval
between requests to one host.

Two guarantees need more than httpx gives out of the box:

* The address that passed the policy is the address connected to. ``GuardedBackend`` resolves
  each host once, at connect time, checks every answer and connects to a checked IP; a name that
  answers differently to a second lookup (DNS rebinding) gains nothing. TLS still verifies the
  hostname: httpcore starts TLS with the URL's host as SNI and for the certificate check.
* Wall-clock deadlines per request, per URL and per source, enforced while a body streams and
  on every socket read, so a server dripping a byte at a time cannot hold a URL past them.
"""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from newsflow.credentials import SourceCredentials
from newsflow.decoding import decode_http_body
from newsflow.urls import (
    AddressRefused,
    Resolver,
    check_proxied_url,
    check_url,
    origin,
    resolve_checked,
    system_resolver,
)

log = logging.getLogger(__name__)

USER_AGENT = "newsflow/0.1 (+https://github.com/newsflow; news pipeline; respects robots.txt)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_STEP = 64 * 1024  # most bytes one decompression step may produce
_MAX_ADDRESSES = 4  # addresses of one host tried before a connection counts as failed


class FetchError(Exception):
    """A request that did not produce a usable response; ``reason`` goes to quarantine."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason, self.status = reason, status


class SourceOutOfTime(FetchError):
    """The source's time budget ran out: the URL was not (fully) fetched, through no fault of
    its own, so the caller quarantines it for the next run instead of falling back."""


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
    read_timeout: float = 15.0  # per socket read; the deadlines below bound the sum
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled per attempt, plus jitter
    max_retry_after: float = 30.0
    request_deadline: float = 30.0  # one request (one hop of one attempt): headers and body
    total_deadline: float = 60.0  # per URL, all hops and attempts included
    source_deadline: float = 600.0  # per source and run; applied through HttpClient.budget_end
    host_interval: float = 1.0  # minimum seconds between requests to one host
    allow_loopback: bool = False
    allow_private: bool = False
    credentials: SourceCredentials | None = None  # the source's connection: auth headers, a proxy
    auth_origins: frozenset[str] = frozenset()  # the origins (urls.origin) its auth headers go to


def budget_used_up(seconds: float) -> str:
    """The quarantine reason of a URL a source had no time left for (the next run fetches it)."""
    return f"source time budget of {seconds:g} s used up; not fetched"


class _Deadline(NamedTuple):
    """A point on the client's clock, what it is (for the reason when it is hit) and the error
    that says so."""

    at: float
    what: str
    error: type[FetchError] = FetchError

    def cut(self, how: str, target: str) -> FetchError:
        return self.error(f"{self.what} ran out {how} {target}")


def _earliest(*deadlines: _Deadline | None) -> _Deadline:
    return min((d for d in deadlines if d is not None), key=lambda d: d.at)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads and writes never wait past the backend's current deadline:
    httpcore reads headers in many small reads, each with the full read timeout, so capping
    the timeout once per request would not bound a server that drips its headers."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend):
        self._inner, self._backend = inner, backend

    def _timeout(self, timeout: float | None, error: type[Exception]) -> float | None:
        deadline = self._backend.deadline
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise error("deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self._backend)

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Every connection goes through the address policy at the moment it is opened.

    ``connect_tcp`` gets the URL's host from httpcore, resolves it once with the injected
    resolver, refuses (``AddressRefused``) unless every answer passes the policy, and connects
    ``inner`` to a checked IP literal, so no second lookup can swap the address. TLS is started
    afterwards by httpcore on the returned stream with the URL's hostname (``server_hostname``),
    so SNI and certificate verification still target the name, not the IP; the Host header comes
    from the URL as always. ``deadline`` (time.monotonic) caps every read and write.

    Through a proxy (``proxy``: its host and port) every connection goes to the proxy. The proxy
    is the operator's choice, made in a connection, not something a feed can name, so it may be
    a loopback or private address; link-local, reserved and metadata addresses stay refused.
    The target URLs are checked before each hop instead (:func:`newsflow.urls.check_proxied_url`).
    """

    def __init__(self, policy: HttpPolicy, resolver: Resolver, inner: httpcore.NetworkBackend | None = None,
                 proxy: tuple[str, int] | None = None):
        self.policy, self.resolver, self.proxy = policy, resolver, proxy
        self.inner = inner if inner is not None else httpcore.SyncBackend()
        self.deadline: float | None = None

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        to_proxy = self.proxy is not None and (host.lower().strip("[]"), port) == self.proxy
        addresses = resolve_checked(host, self.resolver, self.policy.allow_loopback or to_proxy,
                                    self.policy.allow_private or to_proxy)
        end = None if timeout is None else time.monotonic() + timeout
        error: Exception = httpcore.ConnectTimeout(f"no address of {host} answered in time")
        for address in addresses[:_MAX_ADDRESSES]:  # all checked; the first that answers is used
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                break
            try:
                stream = self.inner.connect_tcp(address.split("%")[0], port, timeout=left,
                                                local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream, self)
        raise error

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a ``GuardedBackend`` (httpx takes no backend argument), direct
    or through a proxy (``proxy``: its URL without user info, and the user info if any)."""

    def __init__(self, backend: GuardedBackend, verify: ssl.SSLContext | bool = True,
                 proxy: tuple[str, tuple[str, str] | None] | None = None):
        # Not super().__init__(): it would build a pool (and load the CA bundle) only for this to
        # replace it; HTTPTransport's methods use nothing but ``_pool`` (httpx is pinned).
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        pool = {"max_connections": 100, "max_keepalive_connections": 20, "keepalive_expiry": 5.0,
                "network_backend": backend}
        if proxy is None:
            self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, **pool)
        else:  # http targets are forwarded, https ones tunnelled (CONNECT) with TLS to the target's name
            tls_to_proxy = ssl_context if proxy[0].startswith("https://") else None
            self._pool = httpcore.HTTPProxy(proxy_url=proxy[0], proxy_auth=proxy[1], ssl_context=ssl_context,
                                            proxy_ssl_context=tls_to_proxy, **pool)


class _Inflater:
    """Content-Encoding decoding in steps of at most ``_STEP`` output bytes, so the size cap
    stops a gzip bomb one step past the cap (httpx inflates each arriving chunk whole: 64 KB of
    gzip becomes 64 MB before a cap can be checked)."""

    def __init__(self, content_encoding: str | None):
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ValueError(f"unsupported Content-Encoding {content_encoding!r}")
        self.coding = codings[0] if codings else None
        # gzip or zlib header detected (wbits 47); deflate waits for its first two bytes
        self._d = zlib.decompressobj(wbits=47) if self.coding in ("gzip", "x-gzip") else None
        self._head = b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.coding is None:
            yield data
            return
        if self._d is None:  # "deflate": zlib-wrapped per the RFC, raw from some servers
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            cmf, flg = data[0], data[1]
            wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            self._d = zlib.decompressobj(wbits=15 if wrapped else -15)
        while True:
            out = self._d.decompress(data, _STEP)
            data = self._d.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < _STEP:  # input used up and no output held back
                return

    def finish(self) -> Iterator[bytes]:
        if self._head:  # a deflate body shorter than two bytes
            self._d, head, self._head = zlib.decompressobj(wbits=-15), self._head, b""
            yield from self.feed(head)
        if self._d is not None:
            yield from self.feed(b"")
            yield self._d.flush()


@dataclass
class HttpClient:
    """The client of one source. With the default transport, addresses are checked where they
    are connected; an injected ``transport`` (tests) gets only the pre-check of each hop."""

    policy: HttpPolicy = field(default_factory=HttpPolicy)
    resolver: Resolver = system_resolver
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    network: httpcore.NetworkBackend | None = None  # opens the sockets behind the guard (tests spy)
    budget_end: float | None = None  # clock() time the source's budget runs out (set by websources)

    def __post_init__(self) -> None:
        p = self.policy
        self._guard: GuardedBackend | None = None
        transport = self.transport
        proxy = p.credentials.proxy_parts() if p.credentials else None
        self._proxied = proxy is not None
        if transport is None:
            where = urlsplit(proxy[0]) if proxy else None
            self._guard = GuardedBackend(p, self.resolver, self.network, proxy=(
                where.hostname.lower(), where.port or (443 if where.scheme == "https" else 80)) if where else None)
            transport = GuardedTransport(self._guard, proxy=proxy)
        self._client = httpx.Client(
            transport=transport, follow_redirects=False, trust_env=False,
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
        """GET with redirects, retries and caps. Raises FetchError with a reason.

        Time is bounded three ways, the earliest applying: each request by ``request_deadline``,
        the URL (all hops and attempts) by ``total_deadline``, the source by ``budget_end``.
        """
        self._wait_turn(url, self._budget())  # politeness is our delay, not the server's: not on the URL's clock
        p = self.policy
        deadline = _earliest(_Deadline(self.clock() + p.total_deadline, f"the per-URL deadline of {p.total_deadline:g} s"),
                             self._budget())
        attempt = 0
        while True:
            try:
                return self._follow(url, etag, last_modified, deadline)
            except _Retryable as exc:
                attempt += 1
                delay = exc.retry_after if exc.retry_after is not None else \
                    self.policy.backoff * 2 ** (attempt - 1) * (1 + self.rng.random())
                if attempt > self.policy.retries or delay > self.policy.max_retry_after or \
                        self.clock() + delay > deadline.at:
                    raise FetchError(f"{exc.reason} (gave up after {attempt} attempts)", exc.status) from None
                log.info("retrying %s in %.1fs: %s", url, delay, exc.reason)
                self.sleep(delay)

    def _budget(self) -> _Deadline | None:
        """The source's deadline (``budget_end``), if any; SourceOutOfTime if it has passed."""
        if self.budget_end is None:
            return None
        seconds = self.policy.source_deadline
        if self.clock() >= self.budget_end:
            raise SourceOutOfTime(budget_used_up(seconds))
        return _Deadline(self.budget_end, f"the source time budget of {seconds:g} s", SourceOutOfTime)

    def _wait_turn(self, url: str, deadline: _Deadline | None) -> None:
        """Keep the host's minimum interval between requests; a wait past the deadline fails now."""
        host = urlsplit(url).netloc
        wait = self._last_request.get(host, -1e9) + self.policy.host_interval - self.clock()
        if wait <= 0:
            return
        if deadline is not None and self.clock() + wait >= deadline.at:
            raise deadline.cut("waiting for the turn of", host)
        self.sleep(wait)

    def _follow(self, url: str, etag: str | None, last_modified: str | None, deadline: _Deadline) -> Response:
        seen = []
        for _ in range(self.policy.max_redirects + 1):
            try:  # a pre-check; with the default transport the connect-time check is the one that holds
                check = check_proxied_url if self._proxied else check_url  # through a proxy: the only one
                check(url, self.resolver, self.policy.allow_loopback, self.policy.allow_private)
            except AddressRefused as exc:
                raise FetchError(f"refused {url}: {exc}") from None
            if url in seen:
                raise FetchError(f"redirect loop at {url}")
            seen.append(url)
            first = len(seen) == 1
            resp = self._request(url, etag if first else None, last_modified if first else None, deadline)
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(f"redirect without a Location from {url}", resp.status)
                url = urljoin(url, location)
                continue
            return resp
        raise FetchError(f"more than {self.policy.max_redirects} redirects from {seen[0]}")

    def _request(self, url: str, etag: str | None, last_modified: str | None, url_deadline: _Deadline) -> Response:
        host = urlsplit(url).netloc
        self._wait_turn(url, url_deadline)
        deadline = _earliest(url_deadline, _Deadline(self.clock() + self.policy.request_deadline,
                                                     f"the per-request deadline of {self.policy.request_deadline:g} s"))
        headers = self._auth_headers(url)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        try:
            if self._guard is not None:  # the same instant on the socket's own clock
                self._guard.deadline = time.monotonic() + (deadline.at - self.clock())
            with self._client.stream("GET", url, headers=headers, timeout=self._timeout(deadline, url)) as r:
                self._last_request[host] = self.clock()
                if r.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {r.status_code} from {url}", r.status_code,
                                     _retry_after(r.headers.get("retry-after"), self.clock))
                body = self._read_body(r, url, deadline)
                headers_out = {k.lower(): v for k, v in r.headers.items()}
        except httpx.TimeoutException as exc:
            self._last_request[host] = self.clock()
            if deadline.at - self.clock() < 0.05:  # the read was cut by the deadline, not the timeout
                raise deadline.cut("while fetching", url) from None
            raise _Retryable(f"timeout ({type(exc).__name__}) fetching {url}") from None
        except AddressRefused as exc:  # raised by GuardedBackend where it connects
            raise FetchError(f"refused {url}: {exc}") from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise FetchError(f"broken response from {url}: {exc}") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"connection failed to {url}: {exc}") from None
        finally:
            if self._guard is not None:
                self._guard.deadline = None
        if r.status_code == 304:
            return Response(url, 304, headers_out, b"", not_modified=True)
        if r.status_code >= 400:
            raise FetchError(f"HTTP {r.status_code} from {url}", r.status_code)
        return Response(url, r.status_code, headers_out, body)

    def _auth_headers(self, url: str) -> dict[str, str]:
        """The source's credentials, for its own origins only: a redirect or a link to another
        host never carries them."""
        creds = self.policy.credentials
        if creds is None or origin(url) not in self.policy.auth_origins:
            return {}
        return creds.request_headers()

    def _timeout(self, deadline: _Deadline, url: str) -> httpx.Timeout:
        """No single wait may outlast the deadline: each timeout is capped by the time left."""
        left = deadline.at - self.clock()
        if left <= 0:
            raise deadline.cut("before fetching", url)
        p = self.policy
        return httpx.Timeout(connect=min(p.connect_timeout, left), read=min(p.read_timeout, left),
                             write=min(p.read_timeout, left), pool=min(p.connect_timeout, left))

    def _read_body(self, r: httpx.Response, url: str, deadline: _Deadline) -> bytes:
        """The body, decompressed in bounded steps, under the size cap and the deadline (checked
        between chunks, so a server dripping bytes is cut off on time)."""
        cap = self.policy.max_bytes
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError(f"body of {declared} bytes is over the {cap} limit", r.status_code)
        if r.is_stream_consumed:  # built in memory (a test's MockTransport): httpx decoded it already
            arriving: Iterable[bytes] = [r.content]
            inflater = _Inflater(None)
        else:
            arriving = r.iter_raw()
            try:
                inflater = _Inflater(r.headers.get("content-encoding"))
            except ValueError as exc:
                raise FetchError(f"undecodable body from {url}: {exc}", r.status_code) from None
        chunks: list[bytes] = []
        raw = size = 0
        try:
            for data in arriving:
                if self.clock() >= deadline.at:
                    raise deadline.cut("while fetching", url)
                raw += len(data)
                if raw > cap:  # compressed bytes count too: the cap bounds the download itself
                    raise FetchError(f"body over the {cap} byte limit", r.status_code)
                for piece in inflater.feed(data):
                    size += len(piece)
                    if size > cap:
                        raise FetchError(f"body over the {cap} byte limit (decompressed)", r.status_code)
                    chunks.append(piece)
            tail = b"".join(inflater.finish())
        except zlib.error as exc:
            raise FetchError(f"undecodable body from {url}: {exc}", r.status_code) from None
        if size + len(tail) > cap:
            raise FetchError(f"body over the {cap} byte limit (decompressed)", r.status_code)
        return b"".join([*chunks, tail])


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.status, self.retry_after = reason, status, retry_after


def _retry_after(value: str | None, clock: Callable[[], float]) -> float | None:
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
    """Bytes to text by the rules of :mod:`newsflow.decoding` (header charset, else ``<meta>``).

    Kept as a thin wrapper for callers that need only the text (robots.txt); pages use
    :func:`newsflow.decoding.decode_http_body` to keep the note on how the text was decoded.
    """
    return decode_http_body(body, content_type).text
