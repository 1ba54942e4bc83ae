"""Fetching over HTTP from a news site on 127.0.0.1 with injected faults.

Every request goes through a guard transport that fails the test if a request is ever aimed
anywhere but loopback, and through a resolver that knows only localhost: no real DNS, no
traffic off this machine.
"""

import json
from datetime import UTC, datetime

import duckdb
import httpx
import pytest

from newsflow import pipeline
from newsflow.httpfetch import HttpClient, decode_body
from newsflow.lake import Lake
from newsflow.runs import RunInfo
from newsflow.settings import Settings
from tests.conftest import NEWSFLOW, run_sources
from tests.newsserver import NewsServer

OFF_MACHINE: list[str] = []


class LoopbackOnly(httpx.BaseTransport):
    def __init__(self):
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request):
        if request.url.host not in ("127.0.0.1", "localhost"):
            OFF_MACHINE.append(str(request.url))
            raise AssertionError(f"request to {request.url} left the machine")
        return self.inner.handle_request(request)


def resolver(host: str) -> list[str]:
    if host == "localhost":
        return ["127.0.0.1"]
    raise OSError(f"test resolver knows only localhost, not {host}")


def client_factory(policy):
    return HttpClient(policy, resolver=resolver, transport=LoopbackOnly())


@pytest.fixture(scope="module")
def server():
    with NewsServer() as s:
        yield s


def sources_file(tmp_path, base, *entries):
    lines = ["sources:"]
    for e in entries:
        lines.append(f"  - name: {e['name']}")
        for k, v in e.items():
            if k != "name":
                lines.append(f"    {k}: {json.dumps(v)}")
    p = tmp_path / "sources.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


def run(lake, sources, hour):
    """A run of the sources file on the 28th, through the loopback-only client."""
    return run_sources(lake, sources, datetime(2026, 11, 28, hour, tzinfo=UTC), client_factory)


def q(root, sql):
    con = duckdb.connect()
    for t in ("articles", "quarantine"):
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{root}/{t}/*/*.parquet', union_by_name=true)")
    return con.execute(sql).fetchall()


LOCAL = {"type": "rss", "allow_loopback": True, "timeout": 1.0, "retries": 1, "host_interval": 0,
         "max_bytes": 200000}


@pytest.mark.slow  # whole pipeline runs
def test_every_fault_ends_landed_or_quarantined(tmp_path, server):
    src = sources_file(
        tmp_path, server.base,
        {"name": "local", "url": f"{server.base}/feeds/local.rss", **LOCAL},
        {"name": "guardian", "url": f"{server.base}/feeds/guardian.rss", **LOCAL, "follow_links": False, "max_items": 5},
        {"name": "latin1-feed", "url": f"{server.base}/feeds/encoding.rss", **LOCAL, "follow_links": False, "max_items": 3},
        {"name": "jsonfeed", "url": f"{server.base}/feeds/json_feed.json", **LOCAL, "follow_links": False, "max_items": 3},
        {"name": "notxml", "url": f"{server.base}/feeds/notxml.rss", **LOCAL},
        {"name": "bomb", "url": f"{server.base}/feeds/bomb.rss", **LOCAL},
        {"name": "broken", "url": f"{server.base}/feeds/broken.rss", **LOCAL},
        {"name": "outside", "url": "http://news.invalid/feed.xml", "type": "rss"},
    )
    lake = Lake(tmp_path / "data")
    m = run(lake, src, 9)
    root = tmp_path / "data"
    arts = {r[0]: r[1:] for r in q(root, "SELECT external_id, url, fetch_notes, language, published_at, title FROM articles")}
    quar = {r[0]: r[1] for r in q(root, "SELECT coalesce(external_id, source), reason FROM quarantine WHERE stage = 'fetch'")}

    # good pages: main text, JSON-LD date and headline
    assert arts["good-1"][1] is None and str(arts["good-1"][3]).startswith("2026-11-27 08:30")
    assert arts["good-1"][4] == "Port of Rotterdam handles record cargo"
    # 429 with Retry-After: retried once, then landed
    assert arts["retry-429"][1] is None
    # 500, slow, truncated, huge, redirect loop, redirect to a private address, robots: feed text + note
    for guid, words in [("server-500", "HTTP 500"), ("slow", "timeout"), ("truncated", "broken response"),
                        ("huge", "limit"), ("loop", "redirect loop"), ("private", "private address 10.1.2.3"),
                        ("robots", "robots.txt")]:
        assert guid in arts, guid
        assert words in arts[guid][1] and "used the feed entry's content" in arts[guid][1], (guid, arts[guid][1])
    # charsets: undeclared Latin-1 and a wrong declaration both become correct text
    text = dict(q(root, "SELECT external_id, text FROM articles"))
    assert "Le café de la gare a augmenté" in text["latin1"]
    assert "Zürich’s naïve café résumé" in text["wrong-charset"]
    # an empty page with an empty summary: quarantined with the reason
    assert "no main text" in quar[f"{server.base}/articles/empty.html"]
    # tracking parameters and fragments are removed from the URL
    assert arts["tracking"][0] == f"{server.base}/articles/3.html"
    # broken feeds: one quarantine row each, the run goes on
    assert quar[f"{server.base}/feeds/notxml.rss"].startswith("not a valid RSS/Atom/JSON feed")
    assert "entity" in quar[f"{server.base}/feeds/bomb.rss"]
    assert "HTTP 500" in quar[f"{server.base}/feeds/broken.rss"]
    assert "cannot resolve news.invalid" in quar["http://news.invalid/feed.xml"]
    # real-world feeds parse: RSS 2.0, ISO-8859-1 RSS, JSON Feed
    sources = {r[0] for r in q(root, "SELECT source FROM articles")}
    assert {"local", "guardian", "latin1-feed", "jsonfeed"} <= sources
    assert OFF_MACHINE == []
    assert m["fetch"]["requests"] > 0

    # Second run: the feed answers 304, nothing is fetched again, nothing duplicates.
    n = q(root, "SELECT count(*) FROM articles")[0][0]
    hits_before = len(server.hits)
    m2 = run(lake, sources_file(tmp_path, server.base, {"name": "local", "url": f"{server.base}/feeds/local.rss", **LOCAL}), 10)
    assert m2["counts"]["articles"] == 0 and m2["fetch"]["not_modified"] == 1
    assert q(root, "SELECT count(*) FROM articles")[0][0] == n
    assert [h for h in server.hits[hits_before:] if "/articles/" in h] == []


@pytest.mark.slow  # whole pipeline runs
def test_rerun_of_the_same_interval_fetches_again(tmp_path, server):
    src = sources_file(tmp_path, server.base, {"name": "local", "url": f"{server.base}/feeds/local.rss", **LOCAL})
    lake = Lake(tmp_path / "data")
    first = run(lake, src, 9)["counts"]["articles"]
    again = run(lake, src, 9)  # same interval: its own cache entry must not turn into a 304
    assert again["counts"]["articles"] == first and again["fetch"]["not_modified"] == 0
    assert q(tmp_path / "data", "SELECT count(*) FROM articles")[0][0] == first


def test_decode_body():
    assert decode_body("café".encode("latin-1"), "text/html") == "café"
    assert decode_body("café".encode(), "text/html; charset=iso-8859-1") == "café"
    assert decode_body("Größe".encode("cp1252"), "text/html; charset=windows-1252") == "Größe"


@pytest.mark.slow
def test_cli_fetch_and_run_against_the_server(tmp_path, server):
    """`newsflow fetch` and `newsflow run` as a user calls them (real subprocess, loopback only:
    the sources allow loopback and name only the local server)."""
    import subprocess

    src = sources_file(tmp_path, server.base, {"name": "local", "url": f"{server.base}/feeds/local.rss",
                                               **LOCAL, "max_items": 3})
    out = tmp_path / "data"
    f = subprocess.run([NEWSFLOW, "fetch", "--sources", str(src), "--out", str(out), "--run-id", "f1"],
                       capture_output=True, text=True, timeout=300)
    assert f.returncode == 0, f.stderr
    assert f.stdout.startswith("fetched 3 articles, 0 rejected")
    dumped = [json.loads(line) for line in (out / "fetched" / "f1.jsonl").read_text().splitlines()]
    assert {d["id"] for d in dumped} == {"good-1", "good-2", "retry-429"}
    r = subprocess.run([NEWSFLOW, "run", "--sources", str(src), "--out", str(out), "--run-id", "r1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "landed: 3 articles" in r.stdout and "network:" in r.stdout
    r2 = subprocess.run([NEWSFLOW, "run", "--sources", str(src), "--out", str(out), "--run-id", "r2"],
                        capture_output=True, text=True, timeout=300)
    assert "landed: 0 articles" in r2.stdout and "1 feeds unchanged (304)" in r2.stdout
    bad = subprocess.run([NEWSFLOW, "run", "--sources", str(tmp_path / "nope.yaml"), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "cannot read" in bad.stderr


@pytest.mark.slow  # whole pipeline runs
def test_atom_sitemaps_pages_and_a_gzip_bomb(tmp_path, server):
    src = sources_file(
        tmp_path, server.base,
        {"name": "heise", "url": f"{server.base}/feeds/heise.atom", **LOCAL, "follow_links": False, "max_items": 3},
        {"name": "sitemap", "url": f"{server.base}/sitemap-index.xml", **LOCAL, "type": "sitemap"},
        {"name": "pages", "type": "pages", "allow_loopback": True, "timeout": 1.0, "retries": 0, "host_interval": 0,
         "max_bytes": 200000, "urls": [f"{server.base}/articles/gzipbomb.html", f"{server.base}/articles/404.html"]},
    )
    lake = Lake(tmp_path / "data")
    m = run(lake, src, 9)
    root = tmp_path / "data"
    by_source = dict(q(root, "SELECT source, count(*) FROM articles GROUP BY 1"))
    assert by_source["heise"] == 3 and by_source["sitemap"] == 4
    undated = q(root, "SELECT published_at FROM articles WHERE url LIKE '%nodate%'")
    assert str(undated[0][0]).startswith("2026-11-26 06:00")  # the news sitemap's publication date
    assert set(dict(q(root, "SELECT language, 1 FROM articles WHERE source = 'heise'"))) == {"de"}
    quar = dict(q(root, "SELECT external_id, reason FROM quarantine WHERE stage = 'fetch'"))
    assert "limit" in quar[f"{server.base}/articles/gzipbomb.html"]  # stopped while decompressing
    assert "HTTP 404" in quar[f"{server.base}/articles/404.html"]
    assert m["counts"]["articles"] == 7 and OFF_MACHINE == []


@pytest.mark.slow  # whole pipeline runs
def test_a_run_that_dies_before_publishing_loses_nothing(tmp_path, server):
    """Fetched but never published (the process died): the next attempt must not get 304s or
    skip URLs for articles that never landed."""
    src = sources_file(tmp_path, server.base, {"name": "local", "url": f"{server.base}/feeds/local.rss", **LOCAL})
    lake = Lake(tmp_path / "data")
    r = RunInfo.for_interval(datetime(2026, 11, 28, 9, tzinfo=UTC))
    srcs, ctx = pipeline.configured_fetchers(str(src), lake, r, client_factory=client_factory)
    staged = pipeline.fetch_and_stage(lake, r, Settings(batch_size=5), srcs, ctx)
    assert staged["articles"] > 5  # ... and then the worker is lost
    assert not (tmp_path / "data" / "_state" / "http_cache.json").exists()
    m = run(lake, src, 9)
    assert m["counts"]["articles"] == staged["articles"] and m["fetch"]["not_modified"] == 0
    assert (tmp_path / "data" / "_state" / "http_cache.json").exists()


def test_sources_sharing_a_host_are_fetched_by_one_task(tmp_path):
    from newsflow.settings import Settings as S

    src = sources_file(tmp_path, "",
                       {"name": "a", "type": "rss", "url": "https://news.example/a.rss"},
                       {"name": "b", "type": "sitemap", "url": "https://other.example/sitemap.xml"},
                       {"name": "c", "type": "pages", "urls": ["https://news.example/x.html", "https://third.example/y"]},
                       {"name": "d", "type": "folder", "path": str(tmp_path)})
    assert pipeline.source_groups(S(sources_file=str(src))) == ["b", "a+c", "d"]


def test_crawl_delay_slows_the_host_down():
    from newsflow.httpfetch import HttpPolicy, Response
    from newsflow.sources import SourceConfig
    from newsflow.websources import FetchContext, WebFetcher

    class Robots:
        policy = HttpPolicy(host_interval=1.0)

        def get(self, url, **kw):
            return Response(url, 200, {"content-type": "text/plain"}, b"User-agent: *\nCrawl-delay: 7\n")

    ws = WebFetcher(SourceConfig(name="s", type="rss", url="https://news.example/f"), Robots(), FetchContext("r"))
    ws._robots = {}
    assert ws._allowed("https://news.example/article") is True
    assert ws.client.policy.host_interval == 7.0


@pytest.mark.slow
def test_sigkill_during_publish_of_a_network_run(tmp_path, server):
    """Killed after the commit point while publishing a run fetched over HTTP: the rerun lands
    exactly what a clean run lands (nothing lost to a 304, nothing duplicated)."""
    import signal
    import subprocess

    src = sources_file(tmp_path, server.base, {"name": "local", "url": f"{server.base}/feeds/local.rss",
                                               **LOCAL, "max_items": 4})

    def cli(out, crash=None):
        env = {**__import__("os").environ, **({"NEWSFLOW_CRASH_AT": crash} if crash else {})}
        return subprocess.run([NEWSFLOW, "run", "--sources", str(src), "--out", str(out), "--run-id", "r1"],
                              capture_output=True, text=True, timeout=300, env=env)

    def counts(root):
        return {t: q(root, f"SELECT count(*) FROM read_parquet('{root}/{t}/*/*.parquet')")[0][0]
                for t in ("articles", "quarantine", "duplicates")}

    assert cli(tmp_path / "clean").returncode == 0
    crashed = cli(tmp_path / "crashed", crash="publish:move:3")
    assert crashed.returncode == -signal.SIGKILL
    assert cli(tmp_path / "crashed").returncode == 0
    assert counts(tmp_path / "crashed") == counts(tmp_path / "clean")
    assert counts(tmp_path / "clean")["articles"] == 4
