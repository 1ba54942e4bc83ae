"""The "Newsflow lake" plugin pages and the offline Data Docs, in headless Chromium.

A realistic lake is built with the pipeline (three daily runs over the bundled samples, a few
inputs that end in quarantine and one hostile article whose title, text, source and URL carry
markup), the plugin's FastAPI app is served on a loopback port with its auth dependency
overridden (the real auth is tested against a running api-server in test_celery_stack.py), and
every view is opened in Chromium with the network cut off: any request that is not to the
loopback server fails the test. Screenshots land in the test's output folder and in
``.screenshots/`` at the top of the checkout (git-ignored).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import socket
import threading
import time
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from newsflow import datadocs, report, report_gkg
from newsflow.lake import Lake
from newsflow.runs import RunInfo
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import run as run_pipeline

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / ".screenshots"
DAYS = [datetime(2026, 11, 26, 10, tzinfo=UTC) + timedelta(days=i) for i in range(3)]
XSS_TITLE = "<script>window.__xss = 'title'</script> \"><img src=x onerror=\"window.__xss='img'\"> Acme deal"
XSS_SOURCE = "<b>evil</b>\"><img src=x onerror=alert(2)>"
XSS_TEXT = (
    "Acme Corporation agreed on Monday to buy Globex for $5 billion, Chief Executive Jane Smith said in London. "
    "<script>window.__xss = 'text'</script> The deal values Globex at around 20 percent more than its market price.\n"
    "\"><img src=x onerror=\"window.__xss='img2'\"> Analysts at Morgan Stanley expect 1,200 job cuts in Britain "
    "and Germany over two years, while Globex shares rose 12% in Frankfurt."
)
XSS_QUOTE_TEXT = (
    "Ministers met in Paris on Tuesday to discuss the strike.\n"
    "\"<script>window.__xss = 'quote'</script> We will not pay <img src=x onerror=window.__xss=1>,\" said Mallory "
    "Jones, a spokeswoman for the <b>union</b>.\nShe added that talks would resume \"<i>soon</i>\"."
)
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = [pytest.mark.timeout(900), pytest.mark.slow, pytest.mark.stack]  # whole pipeline runs and a browser


def _inputs(folder: Path) -> list[list[Path]]:
    """Three runs' inputs: the samples split over three days, plus quarantine material and the
    hostile article on the last day."""
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_text("")
    (folder / "comments.txt").write_text("Comments")
    (folder / "broken.json").write_text("{not json")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "hostile.json").write_text(json.dumps({
        "id": "hostile-1", "title": XSS_TITLE, "text": XSS_TEXT, "source": XSS_SOURCE,
        "url": "javascript:window.__xss='url'", "published_at": "2026-11-28T08:00:00Z", "language": "en"}))
    (folder / "hostile_quote.json").write_text(json.dumps({
        "id": "hostile-quote-1", "title": "Strike talks", "text": XSS_QUOTE_TEXT, "source": "wire",
        "published_at": "2026-11-28T09:00:00Z", "language": "en"}))
    samples = sorted(p for p in SAMPLES_DIR.iterdir() if p.suffix in (".txt", ".json", ".jsonl", ".html"))
    thirds = [samples[i::3] for i in range(3)]
    return [thirds[0] + [folder / "empty.txt", folder / "comments.txt"],
            thirds[1] + [folder / "broken.json"],
            thirds[2] + [folder / "hostile.json", folder / "hostile_quote.json", folder / "binary.txt"]]


def build_lake(root: Path) -> Lake:
    """Three published runs, one a day, with finalized (offline) Data Docs."""
    lake = Lake(root / "data")
    settings = Settings(batch_size=6)
    for when, paths in zip(DAYS, _inputs(root / "inputs"), strict=True):
        run = RunInfo.for_interval(when)
        first = not (root / "raw_docs").exists()
        # the first run as runs published before the docs were made offline: GX's own output
        with mock.patch.object(datadocs, "finalize_docs", lambda *a, **k: None) if first else nullcontext():
            run_pipeline(lake, paths, when, settings)  # pipeline.run_all over local files
        if first:  # kept for the test of older docs
            shutil.copytree(lake.root / "_docs" / run.run_id, root / "raw_docs" / run.run_id)
        # what the pipeline does itself (finalizing twice changes nothing)
        datadocs.finalize_docs(lake.root / "_docs" / run.run_id, lake.root / "_docs")
    return lake


def load_plugin():
    spec = importlib.util.spec_from_file_location("newsflow_plugin_ui_test", ROOT / "plugins" / "newsflow_plugin.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    return plugin


class Server:
    """The plugin app mounted at /newsflow (as the api-server mounts it), on 127.0.0.1, in a thread."""

    def __init__(self, plugin, lake: Lake):
        import uvicorn
        from fastapi import FastAPI

        plugin._lake = lambda: lake
        plugin.app.dependency_overrides[plugin.READ_ACCESS] = lambda: None
        outer = FastAPI()
        outer.mount(plugin.PREFIX, plugin.app)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(outer, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/newsflow"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Lake:
    return build_lake(tmp_path_factory.mktemp("ui"))


@pytest.fixture(scope="module")
def plugin():
    return load_plugin()


@pytest.fixture(scope="module")
def server(plugin, lake):
    with Server(plugin, lake) as s:
        yield s
    plugin.app.dependency_overrides.clear()


@pytest.fixture(scope="module")
def hostile_id(lake) -> str:
    found = report.search_articles(lake, q="Globex")
    (hit,) = [a for a in found["articles"] if a["title"] == XSS_TITLE]
    return hit["article_id"]


# -- the library's side: data, highlighting, links ------------------------------------------------

def test_overview_data_covers_three_days_and_the_top_entities(lake):
    o = report.overview(lake)
    assert o["day"] == "2026-11-28" and len(o["runs"]) == 3
    assert {d for d, _, _ in o["per_day"]["articles"]} == {"2026-11-26", "2026-11-27", "2026-11-28"}
    assert sum(n for _, _, n in o["per_day"]["articles"]) == o["tables"]["articles"]
    assert sum(n for _, _, n in o["per_day"]["mentions"]) == o["tables"]["entities"]
    assert sum(n for _, _, n in o["per_day"]["amounts"]) == o["tables"]["numbers"]
    assert all(o["top"][g] for g in ("people", "organisations", "places"))
    for top in o["top"].values():
        # the trend starts on the lake's first day (3 days here), at most TREND_DAYS before
        assert all(len(t["trend"]) == min(report.TREND_DAYS, 3) and t["trend"][-1][1] == t["mentions"] for t in top)
    charts = report.charts(o)
    assert set(charts) >= {"articles", "mentions", "amounts", "sources", "top_people"}
    assert all(svg and svg.startswith("<svg") for svg in charts.values())


def test_highlight_escapes_every_piece_and_keeps_the_text():
    text = 'A <b>"x"</b> & Xi Jinping paid $5 <script>'
    sentences = [{"sentence_index": 0, "start": 0, "end": len(text)}]
    xi, five = text.index("Xi Jinping"), text.index("$5")
    ents = [{"start": xi, "end": xi + 10, "label": "PERSON", "canonical": 'Xi "<Jinping>"', "country_code": None,
             "id": "e0", "group": "people"}]
    nums = [{"start": five, "end": five + 2, "kind": "money", "value": 5.0, "unit": "USD", "qualifier": "=", "id": "n0"},
            {"start": 90, "end": 95, "kind": "count", "value": 1.0, "id": "n1"}]  # does not fit: left out
    body, bad = report.highlight(text, sentences, ents, nums)
    assert bad == 1 and "<script>" not in body and "<b>" not in body
    assert re.sub(r"<[^>]+>", "", body.replace('<sup class="sn">1</sup>', "")) == \
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert 'title="PERSON: Xi &quot;&lt;Jinping&gt;&quot;"' in body and ">Xi Jinping</mark>" in body
    assert '<mark class="num" id="n0" title="money: 5 USD">$5</mark>' in body


def test_airflow_links_find_the_dag_run():
    scheduled = {"run_id": "20261128T100000Z", "logical_time": "2026-11-28T10:00:00+00:00"}
    link = report.airflow_run_link(scheduled, "/base")
    parts = urlsplit(link)
    assert parts.path == "/base/dags/news_pipeline/runs"
    pattern = parse_qs(parts.query)["run_id_pattern"][0]
    assert "scheduled__2026-11-28T10:00:00" in pattern.split("|") and "manual__2026-11-28T10:00:00" in pattern
    # a manual run keyed by run_after: its DAG run id has microseconds, the prefix still matches
    manual = {"run_id": "20261130T034856Z", "logical_time": "2026-11-30T03:48:56.121937+00:00"}
    assert any("manual__2026-11-30T03:48:56.121937+00:00".startswith(p)
               for p in parse_qs(urlsplit(report.airflow_run_link(manual)).query)["run_id_pattern"][0].split("|"))
    assert report.airflow_run_link({**scheduled, "dag_run_id": "scheduled__2026-11-28T10:00:00+00:00"}) == \
        "/dags/news_pipeline/runs/scheduled__2026-11-28T10%3A00%3A00%2B00%3A00"
    assert report.airflow_run_link({"run_id": "cli-x", "logical_time": "2026-11-28T10:00:00+00:00"}) is None


def test_one_time_format_everywhere():
    assert report.fmt_time("2026-11-28T10:00:00+00:00") == "2026-11-28 10:00:00 UTC"
    assert report.fmt_time("2026-11-30T04:48:56.121937+01:00") == "2026-11-30 03:48:56 UTC"
    assert report.fmt_time(datetime(2026, 11, 28, 10, tzinfo=UTC)) == "2026-11-28 10:00:00 UTC"


def test_search_is_parameterised(lake):
    """Quotes, wildcards and SQL in the search box are text to look for, nothing else."""
    total = report.search_articles(lake)["total"]
    for q in ("'; DROP TABLE articles; --", "%", "_", "' OR '1'='1", '"', "\\"):
        assert report.search_articles(lake, q=q)["total"] < total, q
    assert report.search_articles(lake)["total"] == total
    paged = [report.search_articles(lake, page=p, page_size=5) for p in (1, 2, 3, 4)]
    ids = [a["article_id"] for p in paged for a in p["articles"]]
    assert len(ids) == len(set(ids)) == total and paged[0]["pages"] == 4
    assert report.search_articles(lake, page=99, page_size=5)["page"] == 4


# -- Data Docs: offline, small, pruned ------------------------------------------------------------

def test_data_docs_are_small_and_load_nothing_from_outside(lake):
    docs = lake.root / "_docs"
    runs = [p for p in docs.iterdir() if not p.name.startswith("_")]
    assert len(runs) == 3
    for run in runs:
        assert not (run / "static").exists()
        size = sum(p.stat().st_size for p in run.rglob("*") if p.is_file())
        assert size < 1_000_000, (run.name, size)
        for page in run.rglob("*.html"):
            assert datadocs.external_loads(page.read_text()) == [], page  # a new CDN asset: map it in datadocs.CDN
            for ref in re.findall(r"""(?:src|href)=["'](\.\./[^"']*_static/[^"']+)["']""", page.read_text()):
                assert (page.parent / ref).resolve().is_file(), (page, ref)
    static = docs / "_static"
    assert (static / "MANIFEST.json").is_file()
    assert sum(p.stat().st_size for p in static.rglob("*") if p.is_file()) < 3_000_000
    for vendored in ("jquery", "bootstrap", "bootstrap-table", "fontawesome", "bootstrap-datepicker", "bootstrap-dark"):
        assert list((static / "vendor" / vendored).glob("LICENSE*")), vendored


def test_finalize_is_idempotent_and_installs_the_assets_once(lake, tmp_path):
    run = next(p for p in (lake.root / "_docs").iterdir() if not p.name.startswith("_"))
    copy = tmp_path / "_docs" / run.name
    shutil.copytree(run, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*.html")}
    first = datadocs.finalize_docs(copy, tmp_path / "_docs")
    assert {p: p.read_bytes() for p in copy.rglob("*.html")} == before and first["external"] == []
    marker = (tmp_path / "_docs" / "_static" / "MANIFEST.json").stat().st_mtime_ns
    assert datadocs.ensure_static(tmp_path / "_docs") is False
    assert (tmp_path / "_docs" / "_static" / "MANIFEST.json").stat().st_mtime_ns == marker


def test_rewrite_maps_every_cdn_asset_of_the_gx_templates():
    """Every script and style URL in GX's own templates has a local copy (a GX upgrade that adds
    one fails here, naming it)."""
    gx = datadocs._gx_static_dir().parent / "templates"
    urls = set()
    for tpl in gx.rglob("*"):
        if tpl.is_file():
            urls |= set(re.findall(r"""(?:src|href)=["'](https://[^"'{}]+)["']""", tpl.read_text(errors="replace")))
    loads = {u for u in urls if not u.startswith(("https://greatexpectations.io", "https://docs.greatexpectations.io"))}
    vega = {u for u in loads if "/npm/vega" in u}
    assert loads - vega - set(datadocs.CDN) == set()
    for local in set(datadocs.CDN.values()):
        assert local.startswith("gx/") or (datadocs.VENDOR_DIR / local.removeprefix("vendor/")).is_file(), local


def test_prune_docs_keeps_recent_runs_and_the_shared_assets(lake, tmp_path):
    import os

    root = tmp_path / "pruned"
    shutil.copytree(lake.root / "_docs", root / "_docs")
    runs = sorted(p.name for p in (root / "_docs").iterdir() if not p.name.startswith("_"))
    now = datetime.now(UTC)
    for age, name in zip((40, 31, 2), runs, strict=True):
        stamp = (now - timedelta(days=age)).timestamp()
        for p in (root / "_docs" / name).rglob("*"):
            os.utime(p, (stamp, stamp))
    old = (now - timedelta(days=400)).timestamp()
    for p in (root / "_docs" / "_static").rglob("*"):
        os.utime(p, (old, old))
    assert datadocs.prune_docs(Lake(root), keep_days=30) == runs[:2]
    assert sorted(p.name for p in (root / "_docs").iterdir()) == sorted(["_static", runs[2]])
    assert datadocs.prune_docs(Lake(root), keep_days=30) == []
    with pytest.raises(ValueError):
        datadocs.prune_docs(Lake(root), keep_days=-1)
    assert datadocs.prune_docs(Lake(tmp_path / "nothing")) == []


def test_shared_assets_and_pruning_on_an_object_store(lake, tmp_path):
    """On S3 (moto's server on loopback) the assets are uploaded once and old runs' docs pruned."""
    import subprocess
    import sys

    import boto3

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.2)
        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                     region_name="us-east-1").create_bucket(Bucket="docs-test")
        s3 = Lake("s3://docs-test/lake", storage_options={
            "endpoint_url": endpoint, "key": "testing", "secret": "testing", "client_kwargs": {"region_name": "us-east-1"}})
        run = next(p for p in (lake.root / "_docs").iterdir() if not p.name.startswith("_"))
        local = tmp_path / run.name
        shutil.copytree(run, local)
        assert datadocs.finalize_docs(local, s3.root / "_docs")["external"] == []
        s3.root.joinpath("_docs", run.name).fs.put(str(local), s3.root.joinpath("_docs", run.name).path, recursive=True)
        assert (s3.root / "_docs" / "_static" / "vendor" / "jquery" / "jquery.min.js").is_file()
        assert datadocs.ensure_static(s3.root / "_docs") is False  # once
        assert report.docs_file(s3.root, run.name, "index.html") is not None
        assert datadocs.prune_docs(s3, keep_days=30) == []
        assert datadocs.prune_docs(s3, keep_days=30, now=datetime.now(UTC) + timedelta(days=31)) == [run.name]
        assert not (s3.root / "_docs" / run.name).exists() and (s3.root / "_docs" / "_static" / "MANIFEST.json").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_docs_written_before_finalize_are_served_offline(lake, plugin, monkeypatch):
    """Runs published before the docs were made offline (no _docs/_static in the lake either):
    the plugin rewrites their pages on the way out and serves the assets from the packages."""
    import asyncio

    raw = lake.root.parent / "raw_docs"
    (run,) = [p.name for p in raw.iterdir()]
    page = (raw / run / "index.html").read_text()
    assert datadocs.external_loads(page)  # GX's output loads from CDNs
    monkeypatch.setattr(plugin, "_lake", lambda: Lake(raw.parent / "raw_lake"))
    (raw.parent / "raw_lake").mkdir(exist_ok=True)
    if not (raw.parent / "raw_lake" / "_docs").exists():
        shutil.copytree(raw, raw.parent / "raw_lake" / "_docs")
    served = asyncio.run(plugin.data_docs(run, "index.html")).body.decode()
    assert datadocs.external_loads(served) == [] and 'src="../_static/vendor/jquery/jquery.min.js"' in served
    nested = next((raw / run / "validations").rglob("*.html")).relative_to(raw / run).as_posix()
    served = asyncio.run(plugin.data_docs(run, nested)).body.decode()
    assert datadocs.external_loads(served) == [] and "../" * len(nested.split("/")) + "_static/vendor/" in served
    for asset in ("vendor/jquery/jquery.min.js", "vendor/fontawesome/webfonts/fa-solid-900.woff2", "gx/images/favicon.ico"):
        got = asyncio.run(plugin.data_docs("_static", asset))
        assert got.status_code == 200 and got.body, asset
    with pytest.raises(Exception) as missing:
        asyncio.run(plugin.data_docs("_static", "../../etc/passwd"))
    assert missing.value.status_code == 404


# -- the app: every route behind the auth dependency, hostile input escaped -----------------------

def test_every_route_is_behind_the_auth_dependency(plugin):
    from fastapi.routing import APIRoute

    assert [d.dependency for d in plugin.app.router.dependencies] == [plugin.READ_ACCESS]
    routes = [r for r in plugin.app.routes if isinstance(r, APIRoute)]
    assert {r.path for r in routes} >= {"/", "/articles", "/articles/{article_id}", "/quarantine", "/runs/{run_id}",
                                        "/places", "/quotes",
                                        "/api/summary", "/api/articles", "/docs/{run_id}/{path:path}"}
    assert all(plugin.READ_ACCESS in [d.call for d in r.dependant.dependencies] for r in routes)
    assert plugin.app.openapi_url is None and plugin.app.docs_url is None


def test_pages_over_http(server, hostile_id):
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for path in ("/", "/articles", "/articles?q=Xi", f"/articles/{hostile_id}", "/quarantine",
                     "/runs/20261128T100000Z", "/places", "/places?day=2026-11-27", "/quotes",
                     "/quotes?speaker=Xi+Jinping&page=2"):
            r = http.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert "script-src" not in r.headers["content-security-policy"]
            assert "default-src 'none'" in r.headers["content-security-policy"]
            assert "<script" not in r.text, path  # not one script on our pages
        assert http.get("/articles/nope").status_code == 404
        assert http.get("/runs/..%2f_runs").status_code == 404
        assert http.get("/articles?page=0").status_code == 422
        assert http.get("/quotes?page=0").status_code == 422 and http.get("/places?day=" + "9" * 11).status_code == 422
        summary = http.get("/api/summary").json()
        assert len(summary["runs"]) == 3 and summary["tables"]["articles"] >= 15
        assert http.get(f"/{summary['runs'][0]['data_docs']}").status_code == 200
        css = http.get("/docs/_static/vendor/bootstrap/bootstrap.min.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert http.get("/docs/_static/../_runs/x.json").status_code == 404
        found = http.get("/api/articles", params={"q": "Globex"}).json()
        assert [a["article_id"] for a in found["articles"]] == [hostile_id]


def test_hostile_article_is_escaped_everywhere(server, hostile_id):
    with httpx.Client(base_url=server.url, timeout=60) as http:
        pages = {p: http.get(p).text for p in
                 ("/", f"/articles/{hostile_id}", "/articles?q=Globex", "/articles?q=" + XSS_TITLE[:40],
                  "/articles?source=" + XSS_SOURCE, "/quarantine", "/quotes", "/quotes?speaker=" + XSS_TITLE[:60],
                  "/quotes?speaker=Mallory", "/places?day=<b>evil")}
    for path, page in pages.items():
        assert "<img src=x" not in page and "<script>window" not in page and "<b>evil" not in page, path
        assert 'href="javascript:' not in page, path
    article = pages[f"/articles/{hostile_id}"]
    assert re.search(r"&lt;script&gt;window\.__xss = &#(39|x27);text&#(39|x27);&lt;/script&gt;", article)
    assert "&lt;img src=x onerror=" in article and "javascript:window.__xss" in article  # the URL as text only
    said = pages["/quotes?speaker=Mallory"]  # the hostile quote, found and attributed, as text
    assert re.search(r"&lt;script&gt;window\.__xss = &#(39|x27);quote&#(39|x27);&lt;/script&gt;", said)
    assert "&lt;img src=x onerror=window.__xss=1&gt;" in said and "Mallory Jones" in said


# -- every view in Chromium, the network cut off --------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, tmp_path):
    """A page that may only talk to the loopback server: anything else is aborted and fails the
    test, as do failed responses, script errors, CSP refusals and dialogs (alert() from injected
    markup)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    problems: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1" and urlsplit(r.request.url).port == server.port:
            r.continue_()
        else:
            problems.append(f"request outside loopback: {r.request.url}")
            r.abort()

    pg.route("**/*", route)
    pg.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    pg.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    pg.on("console", lambda m: problems.append(f"console: {m.text}")
          if m.type == "error" or "Content Security Policy" in m.text else None)

    def dialog(d):
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    pg.on("dialog", dialog)
    pg.problems = problems
    pg.shots = tmp_path / "screenshots"
    pg.shots.mkdir()
    yield pg
    context.close()
    assert problems == []


def shoot(pg, name: str, full_page: bool = True) -> Path:
    path = pg.shots / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full_page)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def test_overview_with_charts_in_chromium(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/")
    expect(page.get_by_role("heading", name="Recent runs")).to_be_visible()
    for chart in ("articles", "mentions", "amounts", "sources"):
        box = page.locator(f"#chart-{chart} svg").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, chart
    for group in ("people", "organisations", "places"):
        assert page.locator(f"#top-{group} svg").count() == 1, group
    expect(page.locator("#top-people svg")).to_contain_text("People")
    expect(page.get_by_text("passed").first).to_be_visible()
    expect(page.get_by_role("cell", name="article_versions")).to_be_visible()
    links = page.locator("a", has_text="DAG run")
    assert links.count() == 3
    href = links.first.get_attribute("href")
    # no target: the UI shows this page in an iframe sandboxed without allow-top-navigation or
    # allow-popups, where a _top or _blank link would do nothing
    assert href.startswith("/dags/news_pipeline/runs?run_id_pattern=") and links.first.get_attribute("target") is None
    assert "scheduled__2026-11-28T10:00:00" in parse_qs(urlsplit(href).query)["run_id_pattern"][0]
    assert page.evaluate("document.scripts.length") == 0
    shoot(page, "01_lake_overview")


def test_article_search_in_chromium(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/articles")
    page.fill("input[name=q]", "billion")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/newsflow/articles\?q=billion"))
    expect(page.locator("#count")).to_contain_text("matching “billion”")
    hits = page.locator(".result")
    assert hits.count() >= 3
    assert page.locator(".result .snippet mark").first.inner_text().lower() == "billion"
    shoot(page, "02_article_search")
    # paging: a page size of 20 over ~17 articles is one page; the unfiltered list pages by source instead
    page.goto(f"{server.url}/articles?q=the")
    expect(page.locator("#count")).to_contain_text("matching")


def test_one_article_with_highlights_in_chromium(page, server, lake):
    from playwright.sync_api import expect

    hit = report.search_articles(lake, q="Xi Jinping")["articles"][0]
    page.goto(f"{server.url}/articles/{hit['article_id']}")
    body = page.locator("#article-text")
    expect(body).to_be_visible()
    assert page.locator("#article-text .sent").count() >= 10
    assert page.locator("#article-text mark.ent.people").count() >= 3
    assert page.locator("#article-text mark.ent.places").count() >= 1
    assert page.locator("#article-text mark.num").count() >= 3
    person = page.locator("#article-text mark.ent.people", has_text="Xi").first
    assert person.get_attribute("title").startswith("PERSON: ")
    # the marked text is the article's text, character for character
    shown = page.evaluate("""() => { const c = document.getElementById('article-text').cloneNode(true);
        c.querySelectorAll('sup.sn').forEach(s => s.remove()); return c.textContent; }""")
    assert shown == _article_text(lake, hit["article_id"])
    full = report.article(lake, hit["article_id"])
    assert page.locator("#article-text mark.ent").count() >= len({e["start"] for e in full["entities"]})
    shoot(page, "03_article_highlights")


def _article_text(lake, article_id):
    from newsflow.query import connect

    return connect(lake.root).execute("SELECT text FROM articles WHERE article_id = ?", [article_id]).fetchall()[0][0]


def test_hostile_article_in_chromium(page, server, hostile_id):
    page.goto(f"{server.url}/articles/{hostile_id}")
    assert page.locator("h1").inner_text() == XSS_TITLE
    assert page.locator("#article-text").inner_text().count("<script>window.__xss") == 1
    assert page.locator("main img").count() == 0 and page.evaluate("document.scripts.length") == 0
    assert page.evaluate("window.__xss === undefined")
    assert page.locator("a[href^='javascript']").count() == 0
    shoot(page, "04_hostile_article_escaped")
    page.goto(f"{server.url}/articles?q=" + "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert page.locator("input[name=q]").input_value() == '"><img src=x onerror=alert(1)>'
    assert page.locator("main img").count() == 0 and page.evaluate("window.__xss === undefined")


def test_quarantine_list_in_chromium(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/quarantine")
    expect(page.get_by_role("heading", name="Quarantine", exact=True)).to_be_visible()
    groups = page.locator(".group")
    assert groups.count() >= 3
    text = page.locator("main").inner_text()
    for example in ("empty", "comments", "broken", "binary"):
        assert example in text, example
    shoot(page, "05_quarantine")


def test_run_page_in_chromium(page, server):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/runs/20261128T100000Z")
    expect(page.get_by_role("link", name="DAG run in Airflow")).to_be_visible()
    expect(page.get_by_role("link", name="Data Docs")).to_be_visible()
    shoot(page, "06_run")


def test_data_docs_offline_in_chromium(page, server, lake):
    """The run's Data Docs through the plugin with the network cut off: the scripts come from
    _docs/_static and fill the validations table."""
    from playwright.sync_api import expect

    s = report.summary(lake)
    page.goto(f"{server.url}/{s['runs'][0]['data_docs']}")
    rows = page.locator("#section-1-content-block-2-2-body-table tbody tr, table[id$='-body-table'] tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 6
    expect(page.get_by_role("link", name="newsflow.articles").first).to_be_visible()
    assert page.evaluate("typeof jQuery === 'function' && typeof jQuery.fn.bootstrapTable === 'function'")
    assert page.evaluate("typeof jQuery.fn.modal === 'function'")  # bootstrap's JS
    page.evaluate("document.fonts.ready.then(() => true)")
    assert page.evaluate("""document.fonts.check('900 16px "Font Awesome 6 Free"')""")  # the status icons
    shoot(page, "07_data_docs_offline", full_page=False)
    run_id = s["runs"][0]["run_id"]
    (result,) = (lake.root / "_docs" / run_id / "validations" / "newsflow" / "entities").rglob("*.html")
    page.goto(f"{server.url}/docs/{run_id}/{result.relative_to(lake.root / '_docs' / run_id).as_posix()}")
    expect(page.get_by_text("Expectation Validation Result").first).to_be_visible()
    expect(page.get_by_role("cell", name="values must never be null.").first).to_be_visible()  # bootstrap-table's rows
    shoot(page, "08_data_docs_validation_offline", full_page=False)


# -- issue 13: the places map and who said what -----------------------------------------------------

def test_places_map_in_chromium(page, server, lake):
    """The located places of the latest day (newsflow.geo fills the coordinates) on the map; a lake
    without coordinates says so instead (test_report_gkg.py covers that case)."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}/places")
    expect(page.get_by_role("heading", name="Places in the news")).to_be_visible()
    data = report_gkg.places_view(lake)
    assert data["located"] and data["day"] == "2026-11-28" and len(data["places"]) >= 5
    box = page.locator("#map svg").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 280
    assert page.locator("#map svg path").count() > 100  # the countries
    expect(page.locator("#map svg")).to_contain_text(data["places"][0]["name"])
    assert page.locator("#places tr").count() == len(data["places"]) + 1
    assert page.evaluate("document.scripts.length") == 0
    shoot(page, "10_places_map")
    page.select_option("select[name=day]", "2026-11-27")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/newsflow/places\?day=2026-11-27"))
    expect(page.locator("#count")).to_contain_text("landed on 2026-11-27")


def test_who_said_what_in_chromium(page, server, lake):
    from playwright.sync_api import expect

    page.goto(f"{server.url}/quotes")
    expect(page.get_by_role("heading", name="Who said what")).to_be_visible()
    data = report_gkg.quotes_view(lake)
    assert data["total"] >= 15 and page.locator(".quote").count() == min(data["total"], report.PAGE_SIZE)
    shoot(page, "11_who_said_what")
    page.locator("#speakers a", has_text="Xi Jinping").click()
    page.wait_for_url(re.compile(r"/newsflow/quotes\?speaker=Xi\+Jinping"))
    speakers = page.locator(".quote a.speaker").all_inner_texts()
    assert len(speakers) >= 3 and set(speakers) == {"Xi Jinping"}
    shoot(page, "12_who_said_what_by_speaker")
    link = page.locator(".quote .meta a[href*='/articles/']").first
    anchor = link.get_attribute("href").split("#", 1)[1]
    link.click()
    expect(page.locator("#article-text")).to_be_visible()
    assert page.locator(f"#article-text #{anchor}").count() == 1  # the quote's sentence
    # the hostile quote: its markup shown as text, nothing run or loaded
    page.goto(f"{server.url}/quotes?speaker=Mallory")
    said = page.locator(".quote blockquote").first.inner_text()
    assert "<script>window.__xss = 'quote'</script>" in said and "<img src=x onerror=window.__xss=1>" in said
    assert page.locator("main img").count() == 0 and page.evaluate("window.__xss === undefined")
    shoot(page, "13_who_said_what_hostile")
    hostile = "<script>window.__xss=1</script>\"><img src=x onerror=alert(1)>"
    page.goto(f"{server.url}/quotes?speaker=" + quote(hostile))
    assert page.locator("input[name=speaker]").input_value() == hostile
    expect(page.locator("main")).to_contain_text("No quote by a speaker matching")
    assert page.locator("main img").count() == 0 and page.evaluate("window.__xss === undefined")
    assert page.evaluate("document.scripts.length") == 0
