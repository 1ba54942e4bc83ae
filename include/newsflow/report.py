"""The lake in the Airflow UI: what landed, the news in it, what was refused and why.

What the "Newsflow lake" page (plugins/newsflow_plugin.py) shows and what monitoring can poll as
JSON. Pages, all self-contained HTML without a single script (the plugin serves them with a
Content-Security-Policy that allows none) and nothing loaded from elsewhere:

- overview: charts of articles, entity mentions and amounts per day and per source, the top
  people, organisations and places of the latest day with their 14-day trend, recent runs (each
  linked to its Airflow DAG run and its Data Docs), latest quarantine reasons, table sizes;
- articles: search over title, text and source, paged; one article with its sentences, entities
  and amounts marked in the text;
- quarantine: why inputs did not land, with examples; run: one run's manifest.

Charts are Vega-Lite specs rendered to SVG on the server by vl-convert (no browser, no network);
every label in them is data and is escaped by the renderer. All other markup goes through Jinja2
templates with autoescaping; article text is hostile input and is escaped piece by piece where
spans are marked. All SQL goes through :func:`newsflow.query.connect` (the read-only sandbox) with
``?`` parameters: user input is never formatted into a statement.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import logging
import math
import re
import stat
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from newsflow.lake import Lake, is_local
from newsflow.report_charts import GROUPS, chart_svg, charts, svg_is_inert  # noqa: F401 - the page's API

log = logging.getLogger(__name__)

RECENT_RUNS = 20
WINDOW_DAYS = 30  # the per-day charts
TREND_DAYS = 14  # the sparklines of the top entities
TOP_ENTITIES = 8
PAGE_SIZE = 20
DAG_ID = "news_pipeline"
INTERVAL_KEY = re.compile(r"\d{8}T\d{6}Z")  # run keys of DAG runs (RunInfo.for_interval)
# Airflow's run id prefixes (DagRunType): scheduled__<logical date>, manual__<logical date or run_after>, ...
RUN_TYPES = ("scheduled", "manual", "backfill", "asset_triggered")
GROUP_OF = {label: group for group, labels in GROUPS.items() for label in labels}
TEMPLATES = Path(__file__).with_name("templates")


# --------------------------------------------------------------------------- formats

def fmt_time(value: Any) -> str:
    """One format for every time on the pages, as the Airflow UI shows them: 2026-11-28 10:00:00 UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def fmt_number(value: Any) -> str:
    """Amounts as people read them: 11000000000 -> 11,000,000,000; 2.5 -> 2.5."""
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e18:
            return f"{int(value):,}"
        return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def safe_url(url: Any) -> str | None:
    """A link target only for http(s) URLs (a ``javascript:`` URL in the data is shown as text)."""
    if isinstance(url, str) and re.match(r"https?://[^\s\"'<>]+$", url, re.I):
        return url
    return None


# --------------------------------------------------------------------------- runs

def runs(lake: Lake, limit: int = RECENT_RUNS) -> list[dict[str, Any]]:
    """Published runs, newest first, from their manifests (``_runs/<run_id>.json``)."""
    found = []
    for p in (lake.root / "_runs").glob("*.json"):
        try:
            found.append(json.loads(p.read_text()))
        except (OSError, ValueError):
            log.warning("unreadable run manifest %s", p)
    found = [r for r in found if isinstance(r, dict) and "logical_time" in r and "run_id" in r]
    found.sort(key=lambda r: (r["logical_time"], r["run_id"]), reverse=True)
    return found[:limit] if limit else found


def airflow_run_link(manifest: dict[str, Any], airflow_base: str = "") -> str | None:
    """Where the Airflow UI shows the DAG run that landed a lake run.

    The exact run page when the manifest names the DAG run (``dag_run_id``); otherwise the DAG's
    runs list filtered by run id: Airflow names generated runs ``<type>__<logical date>`` (manual
    runs without a logical date: ``manual__<run_after>``), and the lake's run key is that same
    instant (the interval start, else run_after, to the second), so the filter
    ``run_id_pattern=scheduled__<t>|manual__<t>|...`` (the UI's "Run ID" filter, a prefix match,
    ``|`` for or) lists exactly that run. CLI runs (keys that are not an interval) have no DAG run.
    """
    dag_id = manifest.get("dag_id") or DAG_ID
    if manifest.get("dag_run_id"):
        return f"{airflow_base}/dags/{quote(dag_id, safe='')}/runs/{quote(str(manifest['dag_run_id']), safe='')}"
    if not INTERVAL_KEY.fullmatch(str(manifest.get("run_id", ""))):
        return None
    try:
        when = datetime.fromisoformat(manifest["logical_time"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return None
    t = when.strftime("%Y-%m-%dT%H:%M:%S")
    pattern = "|".join(f"{kind}__{t}" for kind in RUN_TYPES)
    return f"{airflow_base}/dags/{quote(dag_id, safe='')}/runs?" + urlencode({"run_id_pattern": pattern})


def _run_row(lake: Lake, r: dict[str, Any]) -> dict[str, Any]:
    docs = lake.root / "_docs" / r["run_id"]
    return {"run_id": r["run_id"], "logical_time": r["logical_time"], "interval": fmt_time(r["logical_time"]),
            "counts": r.get("counts", {}), "validation": r.get("validation", {}), "warnings": r.get("warnings", []),
            "fetch": r.get("fetch", {}), "failed": r.get("failed", 0),
            "dag_run_id": r.get("dag_run_id"), "dag_id": r.get("dag_id"),
            "data_docs": f"docs/{r['run_id']}/index.html" if docs.exists() else None}


def validation_status(v: dict[str, str]) -> str:
    bad = [t for t, st in v.items() if st != "passed"]
    return "passed" if not bad else "issues: " + ", ".join(bad)


# --------------------------------------------------------------------------- summary (JSON)

def summary(lake: Lake, limit: int = RECENT_RUNS) -> dict[str, Any]:
    """Recent runs, table sizes and quarantine reasons: the JSON at ``/newsflow/api/summary``."""
    from newsflow.query import connect

    # Read only: no lake.recover() here. The page is served while workers publish; finishing a
    # journal belongs to the pipeline and the CLI, not to a web request.
    return _summary(lake, connect(lake.root), limit)


def _summary(lake: Lake, con, limit: int) -> dict[str, Any]:
    from newsflow.query import row_counts

    tables = row_counts(con)
    return {"data_dir": str(lake.root), "tables": tables, "runs": [_run_row(lake, r) for r in runs(lake, limit)],
            "quarantine": _quarantine_reasons(con) if "quarantine" in tables else []}


def _quarantine_reasons(con, limit: int = 20) -> list[dict[str, Any]]:
    return [{"stage": s, "reason": r, "rows": n, "last_run": last}
            for s, r, n, last in con.execute("""
                SELECT stage, regexp_replace(reason, '(https?://\\S+|\\d+)', '…', 'g') AS reason,
                       count(*) AS n, max(run_id) AS last
                FROM quarantine GROUP BY ALL ORDER BY n DESC, last DESC LIMIT ?""", [limit]).fetchall()]


# --------------------------------------------------------------------------- overview

def overview(lake: Lake, limit: int = RECENT_RUNS) -> dict[str, Any]:
    """Everything the overview page shows: the summary, charts' data and the top entities."""
    from newsflow.query import connect

    con = connect(lake.root)
    s = _summary(lake, con, limit)
    tables = s["tables"]
    if not tables.get("articles"):
        return {**s, "day": None}
    begin, last = con.execute("SELECT min(ingest_date), max(ingest_date) FROM articles").fetchall()[0]
    first = max(begin, last - timedelta(days=WINDOW_DAYS - 1))  # no empty days before the lake began
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    has = set(tables)

    def rows(sql: str, params: list) -> list[tuple]:
        return con.execute(sql, params).fetchall()

    per_day = {
        "articles": rows("""SELECT ingest_date, coalesce(source, '(none)'), count(*) FROM articles
                            WHERE ingest_date BETWEEN ? AND ? GROUP BY ALL""", [first, last]),
        "mentions": rows(f"""SELECT ingest_date, {_group_case('label')}, count(*) FROM entities
                            WHERE ingest_date BETWEEN ? AND ? GROUP BY ALL""", [first, last])
        if "entities" in has else [],
        "amounts": rows("""SELECT ingest_date, kind, count(*) FROM numbers
                           WHERE ingest_date BETWEEN ? AND ? GROUP BY ALL""", [first, last])
        if "numbers" in has else [],
    }
    by_source: dict[str, dict[str, int]] = {}
    for src, n in rows("""SELECT coalesce(source, '(none)'), count(*) FROM articles
                          WHERE ingest_date BETWEEN ? AND ? GROUP BY ALL""", [first, last]):
        by_source.setdefault(src, {})["articles"] = n
    for table, key in (("entities", "mentions"), ("numbers", "amounts")):
        if table in has:
            for src, n in rows(f"""SELECT coalesce(a.source, '(none)'), count(*) FROM {table} t
                                   JOIN articles a USING (article_id)
                                   WHERE t.ingest_date BETWEEN ? AND ? GROUP BY ALL""", [first, last]):
                by_source.setdefault(src, {})[key] = n
    top = {group: _top_entities(con, labels, last, begin) for group, labels in GROUPS.items()} \
        if "entities" in has else {}
    return {**s, "day": last.isoformat(), "window": [first.isoformat(), last.isoformat()],
            "trend_days": min(TREND_DAYS, (last - begin).days + 1),
            "days": [d.isoformat() for d in days],
            "per_day": {k: [[d.isoformat(), str(c), n] for d, c, n in v] for k, v in per_day.items()},
            "by_source": by_source, "top": top}


def _group_case(column: str) -> str:
    """SQL mapping an entity label to people / organisations / places / other (constants only)."""
    whens = " ".join(f"WHEN {column} IN ({', '.join(repr(lb) for lb in labels)}) THEN '{group}'"
                     for group, labels in GROUPS.items())
    return f"CASE {whens} ELSE 'other' END"


def _top_entities(con, labels: tuple[str, ...], day: date, begin: date) -> list[dict[str, Any]]:
    marks = ", ".join("?" * len(labels))
    top = con.execute(f"""
        SELECT canonical, count(*) AS mentions, count(DISTINCT article_id) AS articles
        FROM entities WHERE ingest_date = ? AND label IN ({marks})
        GROUP BY canonical ORDER BY mentions DESC, articles DESC, canonical LIMIT ?""",
                      [day, *labels, TOP_ENTITIES]).fetchall()
    if not top:
        return []
    names = [t[0] for t in top]
    start = max(begin, day - timedelta(days=TREND_DAYS - 1))
    trend: dict[str, dict[str, int]] = {n: {} for n in names}
    for name, d, n in con.execute(f"""
            SELECT canonical, ingest_date, count(*) FROM entities
            WHERE ingest_date BETWEEN ? AND ? AND label IN ({marks}) AND canonical IN ({', '.join('?' * len(names))})
            GROUP BY ALL""", [start, day, *labels, *names]).fetchall():
        trend[name][d.isoformat()] = n
    days = [(start + timedelta(days=i)).isoformat() for i in range((day - start).days + 1)]
    return [{"name": name, "mentions": m, "articles": a, "trend": [[d, trend[name].get(d, 0)] for d in days]}
            for name, m, a in top]


# --------------------------------------------------------------------------- articles

def _views(con) -> set[str]:
    from newsflow.query import views

    return set(views(con))


def search_articles(lake: Lake, q: str = "", source: str = "", run: str = "", page: int = 1,
                    page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """Landed articles (latest versions) whose title, text or source contains ``q`` (any case),
    newest first, one page at a time; optionally only one source or one run."""
    from newsflow.query import connect

    q, source, run = (q or "").strip()[:200], (source or "")[:500], (run or "")[:200]
    page = max(1, int(page))
    con = connect(lake.root)
    result = {"q": q, "source": source, "run": run, "page": page, "page_size": page_size, "total": 0,
              "pages": 0, "articles": [], "sources": []}
    have = _views(con)
    if "articles" not in have:
        return result
    result["sources"] = [r[0] for r in con.execute(
        "SELECT DISTINCT source FROM articles WHERE source IS NOT NULL ORDER BY 1 LIMIT 500").fetchall()]
    where = """(? = '' OR strpos(lower(coalesce(title, '')), lower(?)) > 0 OR strpos(lower(text), lower(?)) > 0
                OR strpos(lower(coalesce(source, '')), lower(?)) > 0)
               AND (? = '' OR source = ?) AND (? = '' OR run_id = ?)"""
    params = [q, q, q, q, source, source, run, run]
    total = con.execute(f"SELECT count(*) FROM articles WHERE {where}", params).fetchall()[0][0]
    pages = max(1, math.ceil(total / page_size))
    page = min(page, pages)
    found = con.execute(f"""
        SELECT article_id, title, source, published_at, ingest_date, word_count, language, run_id, version,
               CASE WHEN ? <> '' AND strpos(lower(text), lower(?)) > 0
                    THEN substr(text, greatest(1, strpos(lower(text), lower(?)) - 90), 260)
                    ELSE left(text, 260) END AS snippet,
               left(text, 120) AS opening
        FROM articles WHERE {where}
        ORDER BY ingest_date DESC, published_at DESC NULLS LAST, article_id
        LIMIT ? OFFSET ?""", [q, q, q, *params, page_size, (page - 1) * page_size]).fetchall()
    ids = [r[0] for r in found]
    counts: dict[tuple[str, str], int] = {}
    if ids:
        marks = ", ".join("?" * len(ids))
        for table in ("entities", "numbers"):
            if table in have:
                for aid, n in con.execute(f"SELECT article_id, count(*) FROM {table} WHERE article_id IN ({marks}) "
                                          "GROUP BY 1", ids).fetchall():
                    counts[(table, aid)] = n
    result.update(total=total, pages=pages, page=page, articles=[{
        "article_id": aid, "title": title, "display_title": title or _untitled(opening),
        "source": src, "published_at": fmt_time(pub), "ingest_date": fmt_time(day), "word_count": words,
        "language": lang, "run_id": run_id, "version": version,
        "entities": counts.get(("entities", aid), 0), "amounts": counts.get(("numbers", aid), 0),
        "snippet": _snippet(snippet, q),
    } for aid, title, src, pub, day, words, lang, run_id, version, snippet, opening in found])
    return result


def _untitled(opening: str | None) -> str:
    line = (opening or "").strip().split("\n", 1)[0]
    return (line[:90] + "…") if len(line) > 90 else (line or "(untitled)")


def _snippet(text: str | None, q: str) -> str:
    """HTML: the snippet escaped, every occurrence of the query (any case) in <mark>."""
    text = (text or "").replace("\n", " ")
    if not q:
        return html.escape(text)
    out, low, ql, i = [], text.lower(), q.lower(), 0
    while (j := low.find(ql, i)) >= 0 and ql:
        out += [html.escape(text[i:j]), "<mark>", html.escape(text[j:j + len(q)]), "</mark>"]
        i = j + len(q)
    out.append(html.escape(text[i:]))
    return "".join(out)


def article(lake: Lake, article_id: str) -> dict[str, Any] | None:
    """One article (latest version) with its sentences, entities and amounts, and the text as
    HTML with every span marked; None if no such article landed."""
    from newsflow.query import connect

    con = connect(lake.root)
    have = _views(con)
    if "articles" not in have:
        return None
    cur = con.execute("SELECT * FROM articles WHERE article_id = ?", [article_id[:200]])
    row = cur.fetchone()
    if row is None:
        return None
    a = dict(zip([d[0] for d in cur.description], row, strict=True))
    text = a.get("text") or ""

    def fetch(sql: str) -> list[dict[str, Any]]:
        c = con.execute(sql, [article_id])
        return [dict(zip([d[0] for d in c.description], r, strict=True)) for r in c.fetchall()]

    sentences = fetch('SELECT sentence_index, paragraph_index, start, "end" FROM sentences WHERE article_id = ? '
                      "ORDER BY start") if "sentences" in have else []
    entities = fetch('SELECT sentence_index, start, "end", text, label, canonical, country_code, kind FROM entities '
                     'WHERE article_id = ? ORDER BY start, "end" DESC') if "entities" in have else []
    numbers = fetch('SELECT sentence_index, start, "end", text, kind, value, value_max, unit, qualifier, object '
                    'FROM numbers WHERE article_id = ? ORDER BY start, "end" DESC') if "numbers" in have else []
    versions = fetch("SELECT version, ingest_date, run_id, is_current FROM article_versions WHERE article_id = ? "
                     "ORDER BY version") if "article_versions" in have else []
    for i, e in enumerate(entities):
        e["id"], e["group"] = f"e{i}", GROUP_OF.get(e["label"], "other")
    for i, n in enumerate(numbers):
        n["id"] = f"n{i}"
        n["value_text"] = fmt_number(n["value"]) + (f" – {fmt_number(n['value_max'])}" if n.get("value_max") else "")
    body, bad = highlight(text, sentences, entities, numbers)
    authors = a.get("authors")
    return {
        "article_id": a["article_id"], "title": a.get("title"), "display_title": a.get("title") or _untitled(text[:120]),
        "source": a.get("source"), "external_id": a.get("external_id"), "url": a.get("url"),
        "url_href": safe_url(a.get("url")), "authors": list(authors) if authors is not None else [],
        "published_at": fmt_time(a.get("published_at")), "fetched_at": fmt_time(a.get("fetched_at")),
        "updated_at": fmt_time(a.get("updated_at")), "ingest_date": fmt_time(a.get("ingest_date")),
        "language": a.get("language"), "word_count": a.get("word_count"), "run_id": a.get("run_id"),
        "version": a.get("version"), "versions": [{**v, "ingest_date": fmt_time(v["ingest_date"])} for v in versions],
        "fetch_notes": a.get("fetch_notes"), "sentences": len(sentences), "entities": entities, "numbers": numbers,
        "body": body, "bad_spans": bad,
    }


def highlight(text: str, sentences: list[dict], entities: list[dict], numbers: list[dict]) -> tuple[str, int]:
    """The article text as HTML: each sentence in a <span class="sent">, each entity and amount in a
    <mark> with what it is as a tooltip; every piece of text escaped. Spans whose offsets do not
    fit the text are left out and counted. Overlaps are fine: the text is cut at every span edge
    and each piece is wrapped in the marks that cover it."""
    n = len(text)
    bad = 0

    def fits(s: dict) -> bool:
        nonlocal bad
        ok = isinstance(s.get("start"), int) and isinstance(s.get("end"), int) and 0 <= s["start"] < s["end"] <= n
        bad += not ok
        return ok

    sents = sorted((s for s in sentences if fits(s)), key=lambda s: s["start"])
    ents = [e for e in entities if fits(e)]
    nums = [x for x in numbers if fits(x)]
    cuts = sorted({0, n, *(s["start"] for s in sents), *(s["end"] for s in sents),
                   *(e["start"] for e in ents), *(e["end"] for e in ents),
                   *(x["start"] for x in nums), *(x["end"] for x in nums)})
    starts = [s["start"] for s in sents]
    first_ent: set[str] = set()
    out: list[str] = []
    open_sentence = None
    for a, b in itertools.pairwise(cuts):
        k = bisect_right(starts, a) - 1
        sentence = sents[k] if k >= 0 and sents[k]["end"] > a else None
        if sentence is not open_sentence:
            if open_sentence is not None:
                out.append("</span>")
            if sentence is not None:
                i = sentence["sentence_index"]
                out.append(f'<span class="sent s{i % 2}" id="s{i}" title="sentence {i + 1}">'
                           f'<sup class="sn">{i + 1}</sup>')
            open_sentence = sentence
        piece = html.escape(text[a:b])
        for x in nums:
            if x["start"] <= a and b <= x["end"]:
                tip = f"{x['kind']}: {x.get('value_text') or fmt_number(x.get('value'))}" + \
                      (f" {x['unit']}" if x.get("unit") else "") + \
                      (f" ({x['qualifier']})" if x.get("qualifier") not in (None, "=") else "")
                anchor = f' id="{x["id"]}"' if x["start"] == a else ""
                piece = f'<mark class="num"{anchor} title="{html.escape(tip)}">{piece}</mark>'
                break
        for e in ents:
            if e["start"] <= a and b <= e["end"]:
                tip = f"{e['label']}: {e['canonical']}" + (f" ({e['country_code']})" if e.get("country_code") else "")
                anchor = ""
                if e["start"] == a and e["id"] not in first_ent:
                    first_ent.add(e["id"])
                    anchor = f' id="{e["id"]}"'
                piece = f'<mark class="ent {e["group"]}"{anchor} title="{html.escape(tip)}">{piece}</mark>'
                break
        out.append(piece)
    if open_sentence is not None:
        out.append("</span>")
    return "".join(out), bad


# --------------------------------------------------------------------------- quarantine

def quarantine_view(lake: Lake, stage: str = "", run: str = "", limit: int = 50, examples: int = 3) -> dict[str, Any]:
    """Why inputs did not land: reasons (numbers and URLs folded together), most recent first,
    each with its latest examples."""
    from newsflow.query import connect

    stage, run = (stage or "")[:50], (run or "")[:200]
    con = connect(lake.root)
    result = {"stage": stage, "run": run, "groups": [], "stages": [], "total": 0}
    if "quarantine" not in _views(con):
        return result
    result["stages"] = [r[0] for r in con.execute("SELECT DISTINCT stage FROM quarantine ORDER BY 1").fetchall()]
    result["total"] = con.execute("SELECT count(*) FROM quarantine WHERE (? = '' OR stage = ?) AND (? = '' OR run_id = ?)",
                                  [stage, stage, run, run]).fetchall()[0][0]
    rows = con.execute("""
        WITH q AS (
            SELECT *, regexp_replace(reason, '(https?://\\S+|\\d+)', '…', 'g') AS pattern
            FROM quarantine WHERE (? = '' OR stage = ?) AND (? = '' OR run_id = ?)),
        g AS (SELECT stage, pattern, count(*) AS n, max(run_id) AS last_run FROM q GROUP BY ALL
              ORDER BY last_run DESC, n DESC, stage, pattern LIMIT ?),
        ex AS (SELECT q.*, row_number() OVER (PARTITION BY q.stage, q.pattern
                                              ORDER BY q.run_id DESC, q.external_id) AS k FROM q)
        SELECT g.stage, g.pattern, g.n, g.last_run, ex.run_id, ex.source, ex.external_id, ex.reason,
               left(ex.payload, 400), length(ex.payload)
        FROM g JOIN ex ON ex.stage = g.stage AND ex.pattern = g.pattern AND ex.k <= ?
        ORDER BY g.last_run DESC, g.n DESC, g.stage, g.pattern, ex.k""",
                       [stage, stage, run, run, limit, examples]).fetchall()
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for st, pattern, n, last_run, run_id, src, ext, reason, payload, size in rows:
        g = groups.setdefault((st, pattern), {"stage": st, "reason": pattern, "rows": n, "last_run": last_run,
                                              "examples": []})
        g["examples"].append({"run_id": run_id, "source": src, "external_id": ext, "reason": reason,
                              "payload": payload, "payload_size": size})
    result["groups"] = list(groups.values())
    return result


# --------------------------------------------------------------------------- one run

def run_view(lake: Lake, run_id: str) -> dict[str, Any] | None:
    """One published run's manifest (looked up among the manifests, never opened by name)."""
    for r in runs(lake, limit=0):
        if r["run_id"] == run_id:
            return {**_run_row(lake, r), "manifest": r}
    return None


# --------------------------------------------------------------------------- Data Docs files

def docs_file(root: Path, run_id: str, path: str) -> Path | None:
    """The Data Docs file to serve for ``/docs/<run_id>/<path>``, or None. Only a regular file inside
    that run's ``_docs`` folder, reached without a symlink: a link planted there (to /etc/passwd,
    another run, the lake's data) is not followed, so the page serves nothing but the run's report.
    ``_docs/_static`` (the assets every run's docs share, see :mod:`newsflow.datadocs`) is served
    the same way."""
    parts = [run_id, *path.split("/")]
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    target = (root / "_docs").joinpath(*parts)
    if not is_local(target):  # object stores have no symlinks
        return target if target.is_file() else None
    try:
        for depth in range(1, len(parts)):
            if stat.S_ISLNK((root / "_docs").joinpath(*parts[:depth]).lstat().st_mode):
                return None
        return target if stat.S_ISREG(target.lstat().st_mode) else None
    except OSError:
        return None


# --------------------------------------------------------------------------- HTML

@functools.lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(time=fmt_time, number=fmt_number, status=validation_status)
    return env


def render(template: str, data: dict[str, Any], base: str = "", airflow: str = "", **extra: Any) -> str:
    """A page: ``base`` is where the plugin is mounted (``/newsflow``), ``airflow`` the Airflow
    UI's root (for links to DAG runs), both from the request."""
    from markupsafe import Markup

    def airflow_link(run: dict[str, Any]) -> str | None:
        return airflow_run_link(run, airflow)

    def url(path: str, **params: Any) -> str:
        query = urlencode({k: v for k, v in params.items() if v not in (None, "") and not (k == "page" and v == 1)})
        return f"{base}/{path}" + (f"?{query}" if query else "")

    return _env().get_template(template).render(
        d=data, base=base, airflow=airflow, airflow_link=airflow_link, url=url, quote=quote,
        safe=Markup, groups=list(GROUPS), **extra)


def render_html(s: dict[str, Any], base: str = "", airflow: str = "") -> str:
    """The overview page, from :func:`overview` (or just :func:`summary`: then without charts)."""
    data = {"day": None, **s}
    return render("overview.html", data, base=base, airflow=airflow, charts=charts(data))
