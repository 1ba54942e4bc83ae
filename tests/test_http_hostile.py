"""Hostile servers and hostile DNS: rebinding, slow drips, decompression bombs, entity tricks.

No traffic leaves the machine: every hostname is answered by an injected resolver, sockets are
opened by a spy backend that fails the test on any non-loopback address (so a refused address
is never even tried), and the rest runs on ``httpx.MockTransport``.
"""

from __future__ import annotations

import gzip
import ipaddress
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import httpcore
import httpx
import pytest

from newsflow.fetch import RawArticle, Rejected
from newsflow.httpfetch import (
    FetchError,
    GuardedBackend,
    GuardedTransport,
    HttpClient,
    HttpPolicy,
    SourceOutOfTime,
)
from newsflow.sources import SourceConfig
from newsflow.urls import AddressRefused, check_url
from newsflow.websources import FetchContext, WebFetcher, _declares_entities
from tests.newsserver import ARTICLE, BODIES, NewsServer, gzip_bomb


class SpyBackend(httpcore.SyncBackend):
    """Opens real sockets, to loopback only: records every address connected to and fails the
    test on any other (a hostname here would mean the guard was bypassed)."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connects.append((host, port))
        if not ipaddress.ip_address(host).is_loopback:
            raise AssertionError(f"a connection was attempted to {host}")
        return super().connect_tcp(host, port, timeout, local_address, socket_options)


class Rebinding:
    """A resolver whose answers change from call to call, as a rebinding attacker's DNS does."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, host: str) -> list[str]:
        self.calls.append(host)
        if host not in self.answers:
            raise OSError(f"test resolver does not know {host}")
        seq = self.answers[host]
        return seq[min(self.calls.count(host), len(seq)) - 1]


def loopback_client(resolver=None, spy: SpyBackend | None = None, **policy) -> HttpClient:
    settings = {"allow_loopback": True, "host_interval": 0, "retries": 0, **policy}
    return HttpClient(HttpPolicy(**settings), resolver=resolver or Rebinding({}), network=spy or SpyBackend())


@pytest.fixture(scope="module")
def server():
    with NewsServer() as s:
        yield s


# -- DNS rebinding -----------------------------------------------------------------------------
@pytest.mark.parametrize("bad, reason", [("10.0.0.1", "private address 10.0.0.1"),
                                         ("169.254.169.254", "cloud metadata address 169.254.169.254")])
def test_rebinding_between_check_and_connect_is_refused(server, bad, reason):
    port = server.httpd.server_address[1]
    resolver, spy = Rebinding({"rebind.test": [["127.0.0.1"], [bad]]}), SpyBackend()
    hits = len(server.hits)
    with pytest.raises(FetchError, match=f"refused .*{reason}"):
        loopback_client(resolver, spy).get(f"http://rebind.test:{port}/host")
    assert resolver.calls == ["rebind.test", "rebind.test"]  # the pre-check passed; the connect did not
    assert spy.connects == [] and len(server.hits) == hits


def test_the_checked_address_is_connected_to_with_the_hostname(server):
    port = server.httpd.server_address[1]
    spy = SpyBackend()
    resp = loopback_client(Rebinding({"news.test": [["127.0.0.1"]]}), spy).get(f"http://news.test:{port}/host")
    assert resp.body == f"Host: news.test:{port}".encode()  # the name, not the IP, in the Host header
    assert spy.connects == [("127.0.0.1", port)]  # the IP literal that was checked


def test_each_redirect_hop_is_checked_where_it_connects(server):
    port = server.httpd.server_address[1]
    resolver = Rebinding({"good.test": [["127.0.0.1"]], "evil.test": [["127.0.0.1"], ["10.0.0.1"]]})
    spy, hits = SpyBackend(), len(server.hits)
    with pytest.raises(FetchError, match=r"refused http://evil\.test.*private address 10\.0\.0\.1"):
        loopback_client(resolver, spy).get(f"http://good.test:{port}/redirect?to=http://evil.test:{port}/host")
    assert spy.connects == [("127.0.0.1", port)]  # good.test only
    assert resolver.calls == ["good.test", "good.test", "evil.test", "evil.test"]
    assert server.hits[hits:] == [f"/redirect?to=http://evil.test:{port}/host"]


def test_connect_time_check_without_any_pre_check():
    spy = SpyBackend()
    for answers, reason in [(["93.184.216.34", "10.0.0.7"], "private"), (["::ffff:169.254.169.254"], "metadata")]:
        backend = GuardedBackend(HttpPolicy(allow_private=reason != "private"), lambda h, a=answers: a, spy)
        with pytest.raises(AddressRefused, match=reason):
            backend.connect_tcp("mixed.test", 80, timeout=1.0)
    assert spy.connects == []
    with pytest.raises(AddressRefused, match="metadata"):  # an IPv4-mapped literal is its IPv4 address
        check_url("http://[::ffff:169.254.169.254]/", allow_loopback=True, allow_private=True)


def test_https_verifies_the_hostname_while_connecting_to_the_checked_ip(tmp_path):
    """SNI and the certificate check use the URL's name although the socket goes to an IP."""
    server_ctx, client_ctx = _tls_contexts(tmp_path, "news.test")
    sni: list[str | None] = []
    server_ctx.sni_callback = lambda sock, name, ctx: sni.append(name)
    spy = SpyBackend()
    backend = GuardedBackend(HttpPolicy(allow_loopback=True), Rebinding({"news.test": [["127.0.0.1"]],
                                                                         "other.test": [["127.0.0.1"]]}), spy)
    with NewsServer(tls=server_ctx) as s, httpx.Client(transport=GuardedTransport(backend, client_ctx)) as c:
        port = s.httpd.server_address[1]
        assert c.get(f"https://news.test:{port}/host", timeout=5).text == f"Host: news.test:{port}"
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            c.get(f"https://other.test:{port}/host", timeout=5)  # same IP, name not on the certificate
    assert sni[0] == "news.test" and spy.connects == [("127.0.0.1", port)] * 2


def _tls_contexts(tmp_path, name: str):
    """A throwaway CA and a certificate for ``name``: server and client SSL contexts."""
    import datetime as dt
    import ssl

    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def cert(subject, key, issuer, issuer_key, ca):
        now = dt.datetime.now(dt.UTC)
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
             .not_valid_after(now + dt.timedelta(hours=1))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        return b.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "newsflow test CA")])
    ca = cert(ca_name, ca_key, ca_name, ca_key, True)
    leaf = cert(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)]), key, ca_name, ca_key, False)
    pem = serialization.Encoding.PEM
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem) + key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "leaf.pem")
    client_ctx = ssl.create_default_context(cadata=ca.public_bytes(pem).decode())
    return server_ctx, client_ctx


# -- deadlines ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path, policy, reason", [
    ("/drip", {"total_deadline": 2.0}, "the per-URL deadline of 2 s ran out"),
    ("/drip-headers", {"total_deadline": 2.0}, "the per-URL deadline of 2 s ran out"),
    ("/drip", {"request_deadline": 1.5}, "the per-request deadline of 1.5 s ran out"),
])
def test_a_dripping_server_is_cut_off_at_the_deadline(server, path, policy, reason):
    """The drip lasts 60 s, every read returns within the 15 s read timeout: only a deadline
    enforced while streaming (and on every read, for headers) stops it."""
    client = loopback_client(retries=3, read_timeout=15.0, **policy)
    start = time.monotonic()
    with pytest.raises(FetchError, match=reason):
        client.get(f"{server.base}{path}")
    assert time.monotonic() - start < 15.0


def test_a_dripping_body_is_cut_off_with_an_injected_transport_too(server):
    client = HttpClient(HttpPolicy(allow_loopback=True, host_interval=0, total_deadline=2.0),
                        transport=httpx.HTTPTransport())
    start = time.monotonic()
    with pytest.raises(FetchError, match="per-URL deadline of 2 s"):
        client.get(f"{server.base}/drip")
    assert time.monotonic() - start < 15.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_source_out_of_time_quarantines_the_urls_it_did_not_reach():
    """Every response takes 4 s (on a fake clock); the source has 10 s: robots.txt and one
    page fit, the next page is cut off, the rest are not asked for, and all say why."""
    clock, asked = FakeClock(), []

    def slow(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        clock.now += 4
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, html=ARTICLE.format(title=BODIES[1][0], body=BODIES[1][1]))

    client = HttpClient(HttpPolicy(source_deadline=10, host_interval=0, retries=0),
                        resolver=lambda host: ["93.184.216.34"], transport=httpx.MockTransport(slow),
                        clock=clock, sleep=clock.sleep)
    urls = tuple(f"https://news.test/a{i}.html" for i in range(5))
    out = list(WebFetcher(SourceConfig(name="slow", type="pages", urls=urls), client, FetchContext("r")).fetch())
    assert isinstance(out[0], RawArticle) and out[0].url == urls[0]
    assert [(r.external_id, r.reason) for r in out[1:] if isinstance(r, Rejected)] == \
        [(u, "source time budget of 10 s used up; not fetched") for u in urls[1:]]
    assert asked == ["/robots.txt", "/a0.html", "/a1.html"]


def test_waiting_for_a_slow_hosts_turn_is_not_on_the_urls_clock_but_on_the_sources():
    """A 50 s Crawl-delay is our politeness, not the server's slowness: the 10 s per-URL
    deadline starts after the wait. The source's budget does count it, and says so."""
    clock = FakeClock()
    ok = httpx.MockTransport(lambda r: httpx.Response(200, content=b"fine"))
    client = HttpClient(HttpPolicy(host_interval=50, total_deadline=10, source_deadline=60),
                        resolver=lambda host: ["93.184.216.34"], transport=ok, clock=clock, sleep=clock.sleep)
    assert client.get("https://news.test/1").body == b"fine"
    assert client.get("https://news.test/2").body == b"fine" and clock.now == 1050
    client.budget_end = clock.now + 30
    with pytest.raises(SourceOutOfTime, match=r"source time budget of 60 s ran out waiting for the turn of news\.test"):
        client.get("https://news.test/3")
    assert clock.now == 1050  # refused at once, not after sleeping into the budget's end


# -- decompression -----------------------------------------------------------------------------
def test_a_gzip_bomb_is_stopped_while_decompressing(server):
    """200 MB of zeros in 200 KB of gzip, a 1 MB cap: refused, and memory never holds much more
    than the cap (inflating each 64 KB network chunk whole would take about 64 MB)."""
    gzip_bomb()  # built before measuring: the server shares this process
    client = loopback_client(max_bytes=1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="over the 1000000 byte limit"):
            client.get(f"{server.base}/bigbomb.html")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16_000_000, peak


class Trickle(httpx.SyncByteStream):
    """A body that arrives one byte per chunk."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        for i in range(len(self.data)):
            yield self.data[i:i + 1]


TEXT = b"<p>" + b"Rotterdam handled 12 million containers. " * 60_000 + b"</p>"  # about 2.5 MB


def encode(encoding: str | None, data: bytes) -> bytes:
    if encoding in ("gzip", "x-gzip"):
        return gzip.compress(data)
    if encoding == "deflate":  # the RFC's zlib wrapping
        return zlib.compress(data)
    if encoding == "raw-deflate":  # what some servers send as "deflate"
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush()
    return data


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "raw-deflate", "identity", None])
@pytest.mark.parametrize("text, stream", [(TEXT, httpx.ByteStream), (TEXT[:3000], Trickle)])
def test_content_encodings_decode_in_bounded_steps(encoding, text, stream):
    """Whole bodies well past one 64 KB step, and bodies arriving a byte at a time."""
    headers = {"content-encoding": encoding.replace("raw-", "")} if encoding else {}
    body = encode(encoding, text)
    client = HttpClient(HttpPolicy(host_interval=0), resolver=lambda host: ["93.184.216.34"],
                        transport=httpx.MockTransport(lambda r: httpx.Response(200, headers=headers,
                                                                               stream=stream(body))))
    assert client.get("https://news.test/page").body == text


def test_unknown_content_encodings_are_refused():
    for encoding in ("br", "gzip, br", "compress"):
        client = HttpClient(HttpPolicy(host_interval=0), resolver=lambda host: ["93.184.216.34"],
                            transport=httpx.MockTransport(lambda r, e=encoding: httpx.Response(
                                200, headers={"content-encoding": e}, stream=httpx.ByteStream(b"\x1f\x8b...."))))
        with pytest.raises(FetchError, match="unsupported Content-Encoding"):
            client.get("https://news.test/page")


# -- XML entity declarations -------------------------------------------------------------------
SUBSET = b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
RSS = b"<rss><channel><item><title>&b;</title><link>https://news.test/1</link></item></channel></rss>"


@pytest.mark.parametrize("body, declares", [
    (b'<?xml version="1.0"?><!--' + b"x" * 20_000 + b"-->" + SUBSET + RSS, True),
    (b'<?xml version="1.0"?>' + b" \n" * 10_000 + SUBSET + RSS, True),
    (b"<!-- <rss> is not the root here -->" + SUBSET + RSS, True),
    (b"<!-- never closed " + b"x" * 20_000 + SUBSET + RSS, True),
    (('<?xml version="1.0" encoding="utf-16"?>' + " " * 10_000).encode("utf-16") + SUBSET.decode().encode("utf-16-le"), True),
    (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/rss-0.91.dtd">'
     b"<rss><channel><title>ok</title></channel></rss>", False),
    (b"<rss><channel><description><![CDATA[How <!ENTITY x> works]]></description></channel></rss>", False),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', False),
])
def test_entity_declarations_anywhere_in_the_prolog(body, declares):
    assert _declares_entities(body) is declares


def test_a_feed_with_a_long_comment_before_its_dtd_is_refused():
    feed = b'<?xml version="1.0"?><!--' + b" padding " * 2_500 + b"-->" + SUBSET + RSS
    client = HttpClient(HttpPolicy(host_interval=0), resolver=lambda host: ["93.184.216.34"],
                        transport=httpx.MockTransport(lambda r: httpx.Response(
                            200, content=feed, headers={"content-type": "application/rss+xml"})))
    config = SourceConfig(name="bomb", type="rss", url="https://news.test/feed.xml", respect_robots=False)
    (rejected,) = list(WebFetcher(config, client, FetchContext("r")).fetch())
    assert rejected.reason == "feed declares XML entities or a DTD subset: refused (entity expansion)"
