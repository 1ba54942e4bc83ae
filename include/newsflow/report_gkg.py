"""The lake page's analyst views (issue 13): where the day's news happened, and who said what.

- places: the places of one ingest day that carry coordinates (the ``entities`` geo columns
  ``latitude``, ``longitude``, ``feature``), as points sized by mentions on a world map. The map
  is a Vega-Lite spec rendered to inert SVG on the server, like the overview's charts, over a
  world outline shipped in the package (``geodata/countries-110m.json``: Natural Earth 1:110m
  countries, public domain, as TopoJSON from the world-atlas package, ISC), so the page needs no
  tiles, no CDN and no script. A lake whose entities have no geo columns (written before they
  existed) shows "no located places yet" instead of failing.
- quotes: the latest quotations, newest first, with speaker, verb and date, each linking to its
  sentence in the article view, filterable by speaker.

Split from :mod:`newsflow.report` (which keeps the overview, articles and runs) so that no module
holds every view. Speakers, quotes and place names are hostile text: the templates escape them
(Jinja2 autoescape) and the map's labels are escaped by the renderer. All SQL goes through the
read-only sandbox with ``?`` parameters.
"""

from __future__ import annotations

import functools
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

from newsflow.lake import Lake
from newsflow.report import PAGE_SIZE, fmt_time
from newsflow.report_charts import chart_svg

WORLD = Path(__file__).with_name("geodata") / "countries-110m.json"
GEO_COLUMNS = ("latitude", "longitude")
MAX_PLACES = 150  # points on the map (the most mentioned); the table lists the same
MAP_LABELS = 12  # names drawn on the map; the others are in the table
RECENT_DAYS = 30  # days offered in the day picker
TOP_SPEAKERS = 15
QUOTE_CHARS = 400  # longer quotes are cut on the list; the article has them whole


@functools.lru_cache(maxsize=1)
def world() -> dict[str, Any]:
    """The world outline (TopoJSON, ~100 KB), read once per process."""
    with WORLD.open(encoding="utf-8") as f:
        return json.load(f)


def columns(con, table: str) -> set[str]:
    """The columns a view has: newer optional columns (the geo ones) may be missing."""
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])
    return {r[0] for r in rows.fetchall()}


def _views(con) -> set[str]:
    from newsflow.query import views

    return set(views(con))


def _as_day(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------- places

def places_view(lake: Lake, day: str = "", limit: int = MAX_PLACES) -> dict[str, Any]:
    """The located places of one ingest day (default: the latest day that has any), most
    mentioned first, with the map as inline SVG; ``located`` is False when the lake's entities
    carry no coordinates at all (no geo columns yet, or none filled)."""
    from newsflow.query import connect

    con = connect(lake.root)
    result: dict[str, Any] = {"day": None, "days": [], "located": False, "places": [], "total": 0,
                              "mentions": 0, "map": None}
    if "entities" not in _views(con) or not set(GEO_COLUMNS) <= columns(con, "entities"):
        return result
    located = "latitude IS NOT NULL AND longitude IS NOT NULL AND isfinite(latitude) AND isfinite(longitude) " \
              "AND latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180"
    days = [r[0] for r in con.execute(f"""SELECT DISTINCT ingest_date FROM entities WHERE {located}
                                          ORDER BY 1 DESC LIMIT ?""", [RECENT_DAYS]).fetchall()]
    if not days:
        return result
    wanted = _as_day(day)
    chosen = wanted if wanted in days else days[0]
    feature = "any_value(feature)" if "feature" in columns(con, "entities") else "NULL"
    rows = con.execute(f"""
        SELECT canonical, {feature}, latitude, longitude, any_value(country_code), count(*) AS mentions,
               count(DISTINCT article_id) AS articles
        FROM entities WHERE ingest_date = ? AND {located}
        GROUP BY canonical, latitude, longitude
        ORDER BY mentions DESC, articles DESC, canonical""", [chosen]).fetchall()
    places = [{"name": name, "feature": feat, "latitude": round(lat, 4), "longitude": round(lon, 4),
               "country_code": cc, "mentions": m, "articles": a}
              for name, feat, lat, lon, cc, m, a in rows[:limit]]
    result.update(day=chosen.isoformat(), days=[d.isoformat() for d in days], located=True, places=places,
                  total=len(rows), mentions=sum(r[5] for r in rows), map=chart_svg(map_spec(places)))
    return result


def map_spec(places: list[dict[str, Any]], width: int = 900) -> dict[str, Any]:
    """Vega-Lite: the countries in grey, each place a circle sized by mentions (area, so a place
    mentioned twice as often covers twice the ink), the most mentioned named."""
    points = [{"name": p["name"], "lat": p["latitude"], "lon": p["longitude"], "mentions": p["mentions"]}
              for p in places]
    labels = map_labels(points, width)
    top = max((p["mentions"] for p in points), default=1)
    geo = {"longitude": {"field": "lon", "type": "quantitative"},
           "latitude": {"field": "lat", "type": "quantitative"}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width, "height": round(width * 0.49), "padding": 5,
        "projection": {"type": "equalEarth"},
        "layer": [
            {"data": {"sphere": True}, "mark": {"type": "geoshape", "fill": "#f4f8fc", "stroke": "#cbd5e0"}},
            {"data": {"values": world(), "format": {"type": "topojson", "feature": "countries"}},
             "mark": {"type": "geoshape", "fill": "#e2e8f0", "stroke": "#ffffff", "strokeWidth": 0.6}},
            {"data": {"values": points},
             "mark": {"type": "circle", "color": "#3173b8", "opacity": 0.6, "stroke": "#174a7c",
                      "strokeWidth": 1, "tooltip": False},
             "encoding": {**geo, "size": {"field": "mentions", "type": "quantitative", "title": "mentions",
                                          "scale": {"domain": [0, max(top, 1)], "range": [0, 1600]},
                                          "legend": {"orient": "bottom-left", "tickCount": 3}},
                          "order": {"field": "mentions", "sort": "descending"}}},
            {"data": {"values": labels},
             "mark": {"type": "text", "dy": -12, "fontSize": 11, "fontWeight": "bold", "color": "#1a202c",
                      "limit": 140},
             "encoding": {**geo, "text": {"field": "name", "type": "nominal"}}},
        ],
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None},
                   "legend": {"labelColor": "#4a5568", "titleColor": "#4a5568"}},
    }


def map_labels(points: list[dict[str, Any]], width: int, limit: int = MAP_LABELS) -> list[dict[str, Any]]:
    """The names to draw: the most mentioned first, skipping one whose label would overlap a name
    already drawn (the renderer does not move labels apart; Europe's capitals would pile up). The
    table under the map names every place."""
    per_degree = width / 360 * 0.9  # pixels per degree of longitude near the middle of the map
    chosen: list[dict[str, Any]] = []
    for p in points:
        half = len(p["name"]) * 3.6 / per_degree  # half a label's width in degrees, at 11px bold
        if all(abs(p["lat"] - q["lat"]) > 14 / per_degree or abs(p["lon"] - q["lon"]) > half + q["half"]
               for q in chosen):
            chosen.append({**p, "half": half})
        if len(chosen) == limit:
            break
    return [{k: v for k, v in p.items() if k != "half"} for p in chosen]


# --------------------------------------------------------------------------- quotes

def quotes_view(lake: Lake, speaker: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """The latest quotes (newest article first, in text order within one), one page at a time;
    ``speaker`` keeps those whose speaker (canonical name or as written) contains it, any case."""
    from newsflow.query import connect

    speaker, page = (speaker or "").strip()[:200], max(1, int(page))
    con = connect(lake.root)
    result: dict[str, Any] = {"speaker": speaker, "page": page, "page_size": page_size, "pages": 0, "total": 0,
                              "quotes": [], "speakers": []}
    have = _views(con)
    if "quotes" not in have or "articles" not in have:
        return result
    result["speakers"] = [{"name": n, "quotes": k} for n, k in con.execute("""
        SELECT coalesce(speaker_canonical, speaker) AS who, count(*) FROM quotes WHERE who IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""", [TOP_SPEAKERS]).fetchall()]
    where = """(? = '' OR strpos(lower(coalesce(q.speaker_canonical, '')), lower(?)) > 0
                OR strpos(lower(coalesce(q.speaker, '')), lower(?)) > 0)"""
    params = [speaker] * 3
    total = con.execute(f"SELECT count(*) FROM quotes q WHERE {where}", params).fetchall()[0][0]
    pages = max(1, math.ceil(total / page_size))
    page = min(page, pages)
    rows = con.execute(f"""
        SELECT q.article_id, q.sentence_index, q.speaker, q.speaker_canonical, q.speaker_label, q.verb, q.kind,
               left(q.text, ?), length(q.text), a.title, left(a.text, 120), a.source, a.published_at,
               a.ingest_date
        FROM quotes q JOIN articles a USING (article_id)
        WHERE {where}
        ORDER BY a.ingest_date DESC, a.published_at DESC NULLS LAST, q.article_id, q.start
        LIMIT ? OFFSET ?""", [QUOTE_CHARS, *params, page_size, (page - 1) * page_size]).fetchall()
    result.update(total=total, pages=pages, page=page, quotes=[{
        "article_id": aid, "sentence_index": si, "speaker": sp, "speaker_canonical": canon,
        "who": canon or sp, "as_written": sp if canon and sp and sp != canon else None, "label": label,
        "verb": verb, "kind": kind, "text": text + ("…" if size > QUOTE_CHARS else ""),
        "title": title or headline(opening),
        "source": src, "date": fmt_time(pub.date() if pub is not None else ingest),
        "dated_by": "published" if pub is not None else "landed",
    } for aid, si, sp, canon, label, verb, kind, text, size, title, opening, src, pub, ingest in rows])
    return result


def headline(opening: str | None, limit: int = 90) -> str:
    """What to call an article without a title: its first line, cut (as the articles list does)."""
    line = (opening or "").strip().split("\n", 1)[0]
    return (line[:limit] + "…") if len(line) > limit else (line or "(untitled)")
