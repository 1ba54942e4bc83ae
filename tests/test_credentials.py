"""Sources behind a login or a proxy: credentials come from a connection (Airflow's, or an
``AIRFLOW_CONN_<ID>`` variable for the command line), go to the source's own origins only,
through the address policy, and never into logs, XCom or the lake. Loopback only."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsflow.credentials import (
    CredentialsError,
    SourceCredentials,
    from_connection,
    from_environment,
)
from newsflow.httpfetch import FetchError, HttpClient, HttpPolicy
from newsflow.sources import SourcesError, parse_sources
from newsflow.urls import origin
from tests.conftest import ROOT, run_sources
from tests.newsserver import ARTICLE, BODIES

SECRET = "s3cret-Pa55word"
BASIC = "Basic " + base64.b64encode(f"reader:{SECRET}".encode()).decode()


class Recorder(BaseHTTPRequestHandler):
    """Answers every GET; records the request line and headers. ``/private/...`` needs BASIC
    (401 otherwise), ``/hop`` redirects to the server in ``self.server.redirect_to``."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # the http.server name
        self.server.seen.append((self.requestline, dict(self.headers)))
        path = self.path.split("://", 1)[-1].split("/", 1)[-1]  # origin-form or absolute-form (via a proxy)
        if path == "hop":
            return self._send(302, b"", {"Location": f"{self.server.redirect_to}/landing"})
        if path.startswith("private/") and self.headers.get("Authorization") != BASIC:
            return self._send(401, b"login first")
        if path == "robots.txt":
            return self._send(404, b"")
        title, body = BODIES[1]
        return self._send(200, ARTICLE.format(title=title, body=body).encode())

    def _send(self, status, body, headers=None):
        self.send_response(status)
        for k, v in {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)),
                     **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


class Proxy(Recorder):
    """A forward proxy: records each request (absolute URL, Proxy-Authorization); answers itself,
    as the far side of the proxy would, without leaving the machine."""

    def do_GET(self):
        if not self.path.startswith("http://"):
            return self._send(400, b"not a proxy request")
        if self.headers.get("Proxy-Authorization") != "Basic " + base64.b64encode(b"proxyuser:proxy-pw").decode():
            self.server.seen.append((self.requestline, dict(self.headers)))
            return self._send(407, b"", {"Proxy-Authenticate": 'Basic realm="proxy"'})
        return super().do_GET()


@contextlib.contextmanager
def serving(handler) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.seen, server.redirect_to = [], ""
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def client(creds: SourceCredentials | None, origins=(), resolver=None, allow_loopback=True) -> HttpClient:
    policy = HttpPolicy(retries=0, host_interval=0, allow_loopback=allow_loopback, credentials=creds,
                        auth_origins=frozenset(origin(o) for o in origins))
    return HttpClient(policy, resolver=resolver or (lambda host: ["127.0.0.1"]))


# -- what a connection means ----------------------------------------------------------------------

def test_connection_fields_become_credentials():
    basic = from_connection("news_api", "reader", SECRET)
    assert basic.request_headers() == {"Authorization": BASIC}
    token = from_connection("t", "ignored", "ignored", {"token": "tok-123", "headers": {"X-Api-Key": "k-456"}})
    assert token.request_headers() == {"X-Api-Key": "k-456", "Authorization": "Bearer tok-123"}
    proxied = from_connection("p", extra={"proxy": "http://proxyuser:proxy-pw@127.0.0.1:3128"})
    assert proxied.request_headers() == {}
    assert proxied.proxy_parts() == ("http://127.0.0.1:3128", ("proxyuser", "proxy-pw"))
    assert sorted(token.secrets()) == ["ignored", "k-456", "tok-123"] and proxied.secrets() == ["proxy-pw"]
    for creds in (basic, token, proxied):  # what a log line or an error could show
        assert SECRET not in repr(creds) and "tok-123" not in repr(creds) and "proxy-pw" not in repr(creds)
    for extra, says in (({"proxy": "socks5://h:1"}, "must be an http:// or https:// URL"),
                        ({"headers": {"Bad Name": "x"}}, "not a valid header name"),
                        ({"headers": {"X-Key": "a\r\nInjected: 1"}}, "one-line"),
                        ({"headers": ["X-Key"]}, "an object of header names"),
                        ({"token": 5}, "extra 'token' must be")):
        with pytest.raises(CredentialsError, match=says) as err:
            from_connection("bad", extra=extra)
        assert "connection 'bad'" in str(err.value)


def test_airflow_conn_variables_for_the_command_line():
    env = {"AIRFLOW_CONN_NEWS_API": json.dumps({"conn_type": "http", "login": "reader", "password": SECRET}),
           "AIRFLOW_CONN_WIRE": "http://reader:p%40ss@ignored.example?token=tok",
           "AIRFLOW_CONN_VIA": 'http://?__extra__={"proxy": "http://127.0.0.1:3128"}'}
    assert from_environment("news_api", env).request_headers() == {"Authorization": BASIC}
    assert from_environment("wire", env) == SourceCredentials(username="reader", password="p@ss", token="tok")
    assert from_environment("via", env).proxy == "http://127.0.0.1:3128"
    with pytest.raises(CredentialsError, match="connection 'nope' is not defined: set AIRFLOW_CONN_NOPE"):
        from_environment("nope", env)


def test_sources_name_a_connection_on_web_sources_only():
    ok = parse_sources({"sources": [{"name": "a", "type": "rss", "url": "https://e.com/f", "connection": "news_api"}]})
    assert ok[0].connection == "news_api"
    for entry, says in (({"type": "folder", "path": "/tmp", "connection": "x"}, "on a web source"),
                        ({"type": "rss", "url": "https://e.com/f", "connection": "no spaces"}, "a connection id")):
        with pytest.raises(SourcesError, match=says):
            parse_sources({"sources": [{"name": "a", **entry}]})


def test_the_dag_resolves_an_airflow_connection(monkeypatch):
    """The DAG's fetch task asks Airflow (here: a connection defined by an environment variable,
    Airflow's first secrets backend) and hands the library plain values."""
    monkeypatch.setenv("AIRFLOW_CONN_NEWS_API", '{"conn_type":"http","login":"u","password":"p"}')
    spec = importlib.util.spec_from_file_location("news_pipeline_under_test", ROOT / "dags" / "news_pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    creds = module.connection_credentials("news_api")
    assert creds == SourceCredentials(username="u", password="p")
    assert creds.request_headers() == {"Authorization": "Basic " + base64.b64encode(b"u:p").decode()}
    with pytest.raises(Exception, match="isn't defined"):
        module.connection_credentials("not_defined_anywhere")


# -- on the wire ---------------------------------------------------------------------------------

def test_credentials_go_to_the_source_origin_only():
    creds = from_connection("news_api", "reader", SECRET)
    with serving(Recorder) as site, serving(Recorder) as elsewhere:
        site.redirect_to = elsewhere.base
        c = client(creds, origins=[site.base + "/feed"])
        assert c.get(site.base + "/private/page").status == 200
        assert site.seen[-1][1]["Authorization"] == BASIC
        with pytest.raises(FetchError, match="HTTP 401"):
            client(None).get(site.base + "/private/page")  # without the connection: refused
        c.get(site.base + "/hop")  # redirected to another origin: the credentials stay behind
        assert site.seen[-1][1]["Authorization"] == BASIC
        assert "Authorization" not in elsewhere.seen[-1][1]
    bearer = client(from_connection("t", extra={"token": "tok-123"}), origins=[site.base])
    with serving(Recorder) as site2:
        bearer.policy.auth_origins = frozenset({origin(site2.base)})
        bearer.get(site2.base + "/x")
        assert site2.seen[-1][1]["Authorization"] == "Bearer tok-123"


def public(host: str) -> list[str]:
    """A resolver for the proxy tests: names are public, except the ones that say otherwise."""
    if host == "intranet.example":
        return ["10.0.0.5"]
    if host == "unknown.example":
        raise OSError("no such name here (only the proxy can resolve it)")
    return ["93.184.216.34"]


def test_a_proxy_from_a_connection_and_the_address_policy(caplog):
    """The proxy, configured by the operator, may be on loopback although the source may not reach
    loopback itself; targets are still checked by name and address before anything is sent."""
    caplog.set_level("DEBUG")  # httpx and httpcore too: no secret in any log line
    with serving(Proxy) as proxy:
        creds = from_connection("via", "reader", SECRET,
                                {"proxy": proxy.base.replace("http://", "http://proxyuser:proxy-pw@")})
        c = client(creds, origins=["http://news.example/"], resolver=public, allow_loopback=False)
        resp = c.get("http://news.example/private/page")
        assert resp.status == 200
        line, headers = proxy.seen[-1]
        assert line == "GET http://news.example/private/page HTTP/1.1", "forwarded through the proxy"
        assert headers["Authorization"] == BASIC  # for the source, relayed by the proxy
        c.get("http://unknown.example/page")  # our DNS does not know it: the proxy's to resolve
        assert proxy.seen[-1][0] == "GET http://unknown.example/page HTTP/1.1"
        assert "Authorization" not in proxy.seen[-1][1], "another origin: no credentials"
        asked = len(proxy.seen)
        for url, says in (("http://intranet.example/", "private address 10.0.0.5"),
                          ("http://localhost:8080/", "loopback name"),
                          ("http://169.254.169.254/latest/meta-data", "metadata"),
                          ("file:///etc/passwd", "only http and https")):
            with pytest.raises(FetchError, match=says):
                c.get(url)
        assert len(proxy.seen) == asked, "refused targets never reach the proxy"
        wrong = from_connection("via", extra={"proxy": proxy.base.replace("http://", "http://proxyuser:nope@")})
        with pytest.raises(FetchError, match="HTTP 407"):
            client(wrong, resolver=public, allow_loopback=False).get("http://news.example/page")
    metadata_proxy = from_connection("via", extra={"proxy": "http://169.254.169.254:80"})
    with pytest.raises(FetchError, match="metadata"):
        client(metadata_proxy, resolver=public).get("http://news.example/page")
    for secret in ("proxy-pw", base64.b64encode(b"proxyuser:proxy-pw").decode(), SECRET, BASIC.split()[1]):
        assert secret not in caplog.text


@pytest.mark.slow  # a whole pipeline run
def test_a_source_behind_a_login_lands_and_the_secret_stays_out_of_the_lake(tmp_path, monkeypatch, caplog):
    """The command line's path: the connection comes from AIRFLOW_CONN_NEWS_API."""
    from newsflow.lake import Lake

    caplog.set_level("DEBUG")
    monkeypatch.setenv("AIRFLOW_CONN_NEWS_API", json.dumps({"conn_type": "http", "login": "reader",
                                                            "password": SECRET}))
    with serving(Recorder) as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            "sources:\n  - name: members\n    type: pages\n    connection: news_api\n    allow_loopback: true\n"
            f"    host_interval: 0\n    retries: 0\n    urls: [{site.base}/private/1.html]\n")
        lake = Lake(tmp_path / "data")
        manifest = run_sources(lake, sources, datetime(2026, 11, 28, 9, tzinfo=UTC))
        assert any(h.get("Authorization") == BASIC for _, h in site.seen)
    assert manifest["counts"]["articles"] == 1 and manifest["counts"]["quarantine"] == 0
    encoded = BASIC.split()[1]
    for f in (tmp_path / "data").rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert SECRET.encode() not in data and encoded.encode() not in data, f
    assert SECRET not in caplog.text and encoded not in caplog.text
