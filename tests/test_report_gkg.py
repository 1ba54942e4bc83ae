"""The lake page's places map and "who said what" (newsflow.report_gkg), on small lakes written
here: one without the entity geo columns (as older lakes are), one with them, and quotes whose
speakers and words carry markup. The same views in Chromium are in test_plugin_ui.py."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsflow import report, report_gkg, tables
from newsflow.lake import Lake

DAY1, DAY2 = date(2026, 11, 27), date(2026, 11, 28)
HOSTILE_SPEAKER = "<script>window.__xss='speaker'</script>Mallory"
HOSTILE_QUOTE = "</blockquote><script>window.__xss='quote'</script><img src=x onerror=alert(1)> we will win"
GEO = (tables.Column("latitude", pa.float64(), "Latitude (WGS84)."),
       tables.Column("longitude", pa.float64(), "Longitude (WGS84)."),
       tables.Column("geonames_id", pa.int64(), "GeoNames id."),
       tables.Column("feature", pa.string(), "What kind of place."))


def _write(root, table: tables.Table, day: date, rows: list[dict]) -> None:
    folder = root / table.name / f"ingest_date={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.from_rows(rows), folder / "part-test.parquet")


def _articles(root) -> None:
    for day, ids in ((DAY1, ["a1"]), (DAY2, ["a2", "a3"])):
        _write(root, tables.ARTICLES, day, [{
            "article_id": aid, "title": f"<b>Title</b> {aid}", "text": "x" * 200, "source": "test",
            "published_at": datetime(2026, 11, 28 if aid == "a3" else 27, 8, tzinfo=UTC) if aid != "a2" else None,
            "run_id": "r1", "version": 1, "word_count": 1, "content_hash": aid} for aid in ids])


def _entity(aid: str, start: int, name: str, lat: float | None, lon: float | None, feature: str | None = None,
            label: str = "GPE") -> dict:
    return {"article_id": aid, "sentence_index": 0, "start": start, "end": start + 3, "text": name, "label": label,
            "canonical": name, "country_code": None, "version": 1, "latitude": lat, "longitude": lon,
            "geonames_id": None, "feature": feature}


@pytest.fixture
def geo_contract(monkeypatch) -> tables.Table:
    """The entities contract with the geo columns (added here if the contract lacks them)."""
    have = set(tables.ENTITIES.column_names)
    located = dataclasses.replace(tables.ENTITIES,
                                  columns=tables.ENTITIES.columns + tuple(c for c in GEO if c.name not in have))
    monkeypatch.setitem(tables.TABLES, "entities", located)
    return located


@pytest.fixture
def lake(tmp_path) -> Lake:
    lake = Lake(tmp_path / "data")
    _articles(lake.root)
    quotes = [
        {"article_id": "a1", "version": 1, "sentence_index": 2, "start": 10, "end": 20, "text": "old words",
         "speaker": "Xi", "speaker_canonical": "Xi Jinping", "speaker_label": "PERSON", "verb": "say", "kind": "partial"},
        {"article_id": "a2", "version": 1, "sentence_index": 0, "start": 5, "end": 9, "text": HOSTILE_QUOTE,
         "speaker": HOSTILE_SPEAKER, "speaker_canonical": None, "speaker_label": "PERSON", "verb": "warn", "kind": "full"},
        {"article_id": "a3", "version": 1, "sentence_index": 4, "start": 50, "end": 60, "text": "y" * 500,
         "speaker": "he", "speaker_canonical": "Xi Jinping", "speaker_label": "PERSON", "verb": "tell", "kind": "full"},
        {"article_id": "a3", "version": 1, "sentence_index": 5, "start": 70, "end": 80, "text": "unattributed",
         "speaker": None, "speaker_canonical": None, "speaker_label": None, "verb": None, "kind": "full"},
    ]
    _write(lake.root, tables.QUOTES, DAY1, quotes[:1])
    _write(lake.root, tables.QUOTES, DAY2, quotes[1:])
    return lake


def _no_geo_entities(lake: Lake) -> None:
    """Entities written by the contract without geo columns (an older writer)."""
    plain = dataclasses.replace(tables.ENTITIES, columns=tuple(c for c in tables.ENTITIES.columns
                                                               if c.name not in {g.name for g in GEO}))
    _write(lake.root, plain, DAY2, [_entity("a2", 0, "Paris", None, None)])


# -- places ---------------------------------------------------------------------------------------

def test_places_without_geo_columns_say_none_yet(lake, monkeypatch):
    plain = dataclasses.replace(tables.ENTITIES, columns=tuple(c for c in tables.ENTITIES.columns
                                                               if c.name not in {g.name for g in GEO}))
    monkeypatch.setitem(tables.TABLES, "entities", plain)  # the contract before the geo columns
    _no_geo_entities(lake)
    data = report_gkg.places_view(lake)
    assert data["located"] is False and data["places"] == [] and data["map"] is None
    page = report.render("places.html", data, base="/newsflow")
    assert 'id="no-places"' in page and "No located places yet" in page


def test_places_with_geo_columns_but_old_files_say_none_yet(lake, geo_contract):
    """Files written before the columns existed read NULL there: no located place, no failure."""
    _no_geo_entities(lake)
    data = report_gkg.places_view(lake)
    assert data["located"] is False
    assert report_gkg.places_view(Lake(lake.root.parent / "empty"))["located"] is False  # no entities at all


def test_places_of_the_latest_day_on_the_map(lake, geo_contract):
    _write(lake.root, geo_contract, DAY1, [_entity("a1", 0, "Lima", -12.05, -77.04, "city")])
    _write(lake.root, geo_contract, DAY2, [
        _entity("a2", 0, "Beijing", 39.9075, 116.3972, "capital"), _entity("a2", 10, "Beijing", 39.9075, 116.3972),
        _entity("a3", 0, "Beijing", 39.9075, 116.3972), _entity("a3", 10, "<script>alert(1)</script>Ville", 48.85, 2.35),
        _entity("a3", 20, "Nowhere", 200.0, 10.0), _entity("a3", 30, "NaNland", float("nan"), 1.0),
        _entity("a3", 40, "Xi Jinping", None, None, label="PERSON")])
    data = report_gkg.places_view(lake)
    assert data["located"] and data["day"] == "2026-11-28" and data["days"] == ["2026-11-28", "2026-11-27"]
    assert [(p["name"], p["mentions"], p["articles"]) for p in data["places"]] == \
        [("Beijing", 3, 2), ("<script>alert(1)</script>Ville", 1, 1)]
    assert data["places"][0]["feature"] == "capital" and data["total"] == 2 and data["mentions"] == 4
    svg = data["map"]
    assert svg and svg.startswith("<svg") and report.svg_is_inert(svg)
    assert svg.count("<path") > 100  # the countries
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Ville" in svg and "<script" not in svg
    page = report.render("places.html", data, base="/newsflow")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;Ville" in page
    assert re.search(r'<option value="2026-11-28"\s+selected', page)
    # another day by name; a day that is not a date, or has no places, falls back to the latest
    assert [p["name"] for p in report_gkg.places_view(lake, day="2026-11-27")["places"]] == ["Lima"]
    for bad in ("2026-13-01", "'; DROP TABLE entities; --", "2020-01-01"):
        assert report_gkg.places_view(lake, day=bad)["day"] == "2026-11-28", bad


def test_the_map_loads_nothing():
    """The spec carries its data inline: no URL for the renderer to fetch."""
    spec = report_gkg.map_spec([{"name": "Lima", "latitude": -12.0, "longitude": -77.0, "mentions": 2}])
    text = json.dumps(spec)
    assert '"url"' not in text and "countries" in text
    assert report_gkg.WORLD.is_file() and report_gkg.world()["type"] == "Topology"


def test_map_names_do_not_pile_up():
    """Neighbours with long names share one label (the more mentioned); far apart, both are named."""
    points = [{"name": n, "lat": lat, "lon": lon, "mentions": m} for n, lat, lon, m in [
        ("United Kingdom", 54.8, -2.7, 5), ("London", 51.5, -0.1, 4), ("Beijing", 39.9, 116.4, 3),
        ("Lima", -12.0, -77.0, 2), ("Portugal", 39.6, -8.0, 2), ("Spain", 40.0, -4.0, 1)]]
    assert [p["name"] for p in report_gkg.map_labels(points, 900)] == ["United Kingdom", "Beijing", "Lima", "Portugal"]
    assert len(report_gkg.map_labels(points, 900, limit=2)) == 2


# -- who said what --------------------------------------------------------------------------------

def test_latest_quotes_first_with_links_to_the_sentence(lake):
    data = report_gkg.quotes_view(lake)
    assert data["total"] == 4 and data["pages"] == 1
    assert [q["article_id"] for q in data["quotes"]] == ["a3", "a3", "a2", "a1"]  # the latest day first
    long_quote = data["quotes"][0]
    assert long_quote["who"] == "Xi Jinping" and long_quote["as_written"] == "he"
    assert len(long_quote["text"]) == report_gkg.QUOTE_CHARS + 1 and long_quote["text"].endswith("…")
    assert long_quote["date"] == "2026-11-28" and long_quote["dated_by"] == "published"
    assert data["quotes"][2]["dated_by"] == "landed"  # a2 has no published_at
    assert data["speakers"][0] == {"name": "Xi Jinping", "quotes": 2}
    page = report.render("quotes.html", data, base="/newsflow")
    assert 'href="/newsflow/articles/a3#s4"' in page and 'href="/newsflow/quotes?speaker=Xi+Jinping"' in page
    assert "no speaker found" in page
    assert report_gkg.headline("First line\nsecond") == "First line" and report_gkg.headline(None) == "(untitled)"


def test_quotes_filter_by_speaker(lake):
    assert [q["article_id"] for q in report_gkg.quotes_view(lake, speaker="xi jin")["quotes"]] == ["a3", "a1"]
    assert report_gkg.quotes_view(lake, speaker="HE")["total"] == 1  # as written, any case
    for text in ("%", "' OR '1'='1", "nobody"):  # text to look for, not a pattern or SQL
        assert report_gkg.quotes_view(lake, speaker=text)["total"] == 0, text
    assert [q["article_id"] for q in report_gkg.quotes_view(lake, speaker="_")["quotes"]] == ["a2"]  # "__xss"
    paged = [report_gkg.quotes_view(lake, page=p, page_size=3) for p in (1, 2, 9)]
    assert [len(p["quotes"]) for p in paged] == [3, 1, 1] and paged[2]["page"] == 2


def test_hostile_speakers_and_quotes_are_escaped(lake):
    for data in (report_gkg.quotes_view(lake), report_gkg.quotes_view(lake, speaker=HOSTILE_SPEAKER),
                 report_gkg.quotes_view(lake, speaker="<script>")):
        page = report.render("quotes.html", data, base="/newsflow")
        assert "<script" not in page and "<img" not in page and "</blockquote><" not in page
        assert "&lt;script&gt;window.__xss=" in page
    filtered = report_gkg.quotes_view(lake, speaker="<script>")
    assert [q["article_id"] for q in filtered["quotes"]] == ["a2"]
    page = report.render("quotes.html", filtered, base="/newsflow")
    assert 'value="&lt;script&gt;"' in page  # the filter box shows it back as text
    assert "quotes?speaker=%3Cscript%3Ewindow.__xss" in page  # links carry it URL-encoded


def test_no_quotes_table_yet(tmp_path):
    lake = Lake(tmp_path / "data")
    _articles(lake.root)
    data = report_gkg.quotes_view(lake)
    assert data["total"] == 0 and data["quotes"] == []
    assert "No quote" in report.render("quotes.html", data)


def test_readme_places_query_runs_once_entities_have_coordinates(lake, geo_contract):
    """The README's places example (tested against the samples' lake by test_lake_maintenance once
    the geo columns are in the contract) runs on a lake that has them."""
    from newsflow.query import connect
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    (query,) = [q for q in re.findall(r'newsflow query "((?:(?!newsflow query).)*?)" --data data', readme, re.S)
                if "latitude" in q]
    _write(lake.root, geo_contract, DAY2, [_entity("a2", 0, "Beijing", 39.9, 116.4, "capital")])
    con = connect(lake.root)
    assert con.execute(query.replace("current_date", "DATE '2026-11-28'")).fetchall() == \
        [("Beijing", "capital", 39.9, 116.4, 1, 1)]
