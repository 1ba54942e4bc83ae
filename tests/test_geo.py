"""Places on the map (issue 13): latitude, longitude, GeoNames id and feature of place mentions.

The seed article's places land within a degree of where they are; ambiguous names follow their
article ("Paris" beside "France" or beside "Texas") and stay null when the article does not
settle them; the lookup never raises and never returns a point off the globe; the columns are
in the contract, checked by validation, and read as nulls from files written before them.
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow import geo, tables
from newsflow.clean import clean_text
from newsflow.entities import entity_rows
from newsflow.geo import ArticleContext, add_places, article_context, resolve

# Where these places are (degrees), independently of the data under test; the country points
# are the middle of each country, the capital's its city centre.
TRUE_POINTS = {
    "Beijing": (39.90, 116.41, "capital", 1816670),
    "Moscow": (55.76, 37.62, "capital", 524901),
    "Washington": (38.90, -77.04, "capital", 4140963),
    "Taiwan": (23.7, 121.0, "country", 1668284),
    "Ukraine": (48.4, 31.2, "country", 690791),
    "Iran": (32.4, 53.7, "country", 130758),
    "Taiwan Strait": (24.0, 119.8, "strait", None),
}


def row(canonical: str, label: str = "GPE", country_code: str | None = None, kind: str | None = None) -> dict:
    """An entity row as the gazetteer leaves it (the columns geo reads)."""
    return {"canonical": canonical, "label": label, "country_code": country_code, "kind": kind}


def located(rows: list[dict], name: str) -> dict:
    return next(r for r in add_places(rows) if r["canonical"] == name)


def test_seed_places_are_on_the_map(nlp, seed_text):
    rows = entity_rows("seed", nlp(clean_text(seed_text)))
    by_name = {}
    for r in rows:
        by_name.setdefault(r["canonical"], r)
    for name, (lat, lon, feature, geonames_id) in TRUE_POINTS.items():
        r = by_name[name]
        assert abs(r["latitude"] - lat) <= 1 and abs(r["longitude"] - lon) <= 1, (name, r)
        assert (r["feature"], r["geonames_id"]) == (feature, geonames_id), (name, r)
    assert by_name["Washington"]["country_code"] == "US" and by_name["Washington"]["kind"] == "capital"
    # people, organisations and demonyms are not places: all four columns null
    for r in rows:
        if r["label"] not in geo.PLACE_LABELS:
            assert [r[c] for c in geo.GEO_COLUMNS] == [None] * 4, r


def test_a_city_name_follows_its_article():
    paris_fr = located([row("Paris", country_code="FR", kind="capital"), row("France", country_code="FR",
                                                                             kind="country")], "Paris")
    assert (paris_fr["geonames_id"], paris_fr["country_code"], paris_fr["feature"]) == (2988507, "FR", "capital")
    def texas() -> list[dict]:
        return [row("Paris", country_code="FR", kind="capital"), row("Texas", country_code="US", kind="region"),
                row("Dallas", country_code="US", kind="city")]

    paris_tx = located(texas(), "Paris")
    assert abs(paris_tx["latitude"] - 33.66) < 0.2 and abs(paris_tx["longitude"] + 95.56) < 0.2
    assert (paris_tx["country_code"], paris_tx["kind"], paris_tx["feature"]) == ("US", "city", "city")
    # France named too: the gazetteer's Paris stands, Texas or not
    assert located([*texas(), row("France", country_code="FR", kind="country")], "Paris")["country_code"] == "FR"
    # "ties with Washington": the gazetteer's US capital, not the state nor Washington, Utah
    assert located([row("Washington", country_code="US", kind="capital")], "Washington")["geonames_id"] == 4140963


def test_a_city_name_follows_its_article_through_the_pipeline(nlp):
    rows = entity_rows("tx", nlp("Protesters gathered in Paris, Texas, and in Dallas, where the governor spoke."))
    paris = next(r for r in rows if r["text"] == "Paris")
    assert (paris["country_code"], round(paris["latitude"]), round(paris["longitude"])) == ("US", 34, -96)
    rows = entity_rows("fr", nlp("Talks in Paris between France and Germany ended."))
    assert next(r for r in rows if r["text"] == "Paris")["geonames_id"] == 2988507


def test_unknown_names_are_resolved_by_the_articles_countries_then_left_null_when_unsure():
    # names the gazetteer does not know reach geo with no country code
    assert located([row("Springfield")], "Springfield")["latitude"] is None  # MO, MA, IL: all alike
    springfield = located([row("Springfield"), row("Missouri", country_code="US", kind="region")], "Springfield")
    assert springfield["geonames_id"] == 4409896 and springfield["country_code"] == "US"
    assert located([row("Springfield"), row("United States", country_code="US", kind="country")],
                   "Springfield")["latitude"] is None  # US, but which state?
    # Odessa, Texas by name, Odesa, Ukraine by spelling: unsure alone, Ukraine with Ukraine
    assert located([row("Odessa")], "Odessa")["latitude"] is None
    odesa = located([row("Odessa"), row("Ukrainian", "NORP", "UA")], "Odessa")
    assert odesa["geonames_id"] == 698740 and odesa["country_code"] == "UA" and odesa["kind"] is None
    # a big city alone is taken ("Kiev" is Kyiv); a small town named alone is not
    assert located([row("Kiev")], "Kiev")["geonames_id"] == 703448
    assert located([row("Bakhmut")], "Bakhmut")["latitude"] is None
    assert located([row("Bakhmut"), row("Ukraine", country_code="UA", kind="country")], "Bakhmut")["latitude"]
    # no such place, a place that is not a point, and a person with a place's name
    assert located([row("Atlantis")], "Atlantis")["latitude"] is None
    assert located([row("Nile", "LOC", kind="water")], "Nile")["latitude"] is None
    assert located([row("Paris", "PERSON")], "Paris")["latitude"] is None


def test_regions_and_water_are_not_taken_for_cities_of_the_same_name():
    assert located([row("Quebec", country_code="CA", kind="region")], "Quebec")["feature"] == "state"
    assert located([row("Kaliningrad", country_code="RU", kind="region")], "Kaliningrad")["feature"] == "state"
    gl = located([row("Greenland", country_code="DK", kind="region")], "Greenland")
    assert (gl["feature"], gl["country_code"]) == ("territory", "DK")  # the gazetteer's code stands
    sea = located([row("Red Sea", "LOC", kind="water")], "Red Sea")
    assert sea["feature"] == "sea" and sea["geonames_id"] is None and sea["country_code"] is None
    assert located([row("Suez Canal", "FAC", "EG", "water")], "Suez Canal")["feature"] == "canal"
    assert located([row("Africa", "LOC", kind="region")], "Africa")["geonames_id"] == 6255146
    # a name of a country and a US state, unknown to the gazetteer: the article's countries decide
    assert resolve("Georgia", "GPE").feature == "country"
    assert resolve("Georgia", "GPE", context=ArticleContext({"Atlanta": frozenset({"US"})})).feature == "state"


def test_context_leaves_out_a_names_own_country():
    ctx = article_context([row("Paris", country_code="FR", kind="capital"), row("Texas", country_code="US",
                                                                                kind="region")])
    assert ctx.countries_besides("Paris") == {"US"} and ctx.states == {"TX"}
    # the capital "Washington" and the country "Georgia" are not the US states of those names
    ctx = article_context([row("Washington", country_code="US", kind="capital"),
                           row("Georgia", country_code="GE", kind="country")])
    assert ctx.states == frozenset()


def test_gazetteer_places_are_located():
    from newsflow.gazetteer import load

    wanted = {(e.canonical, e.label, e.country_code, e.kind) for e in load().aliases.values()
              if e.label in ("GPE", "LOC") and e.kind is not None}
    missing = {w for w in wanted if resolve(*w) is None}
    by_kind = {k: [w for w in missing if w[3] == k] for k in ("country", "capital", "city")}
    assert by_kind["country"] == []
    assert len(by_kind["capital"]) <= 6 and len(by_kind["city"]) <= 3, by_kind  # under 15,000 people, or spelt apart
    assert len(missing) <= 0.05 * len(wanted), sorted(missing)  # rivers and vague blocs have no point


def test_shipped_points_are_well_formed():
    data = json.loads(geo.PLACES_FILE.read_text(encoding="utf-8"))
    assert all(data[part]["source"] for part in ("countries", "us_states", "places"))
    points = [*data["countries"]["points"].values(), *data["us_states"]["points"].values(),
              *[(e["lat"], e["lon"]) for e in data["places"]["entries"]]]
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in points)
    entries = data["places"]["entries"]
    assert {e["feature"] for e in entries} <= set(tables.PLACE_FEATURES)
    names = [geo.fold(n) for e in entries for n in (e["name"], *e.get("aliases", ()))]
    assert len(names) == len(set(names))
    assert len(data["countries"]["points"]) >= 240 and len(data["us_states"]["points"]) == 51


@given(st.text(max_size=40), st.sampled_from(sorted(tables.ENTITY_LABELS)),
       st.one_of(st.none(), st.sampled_from(["US", "FR", "GB", "UA", "CN", "XX", ""])),
       st.one_of(st.none(), st.sampled_from(["country", "capital", "city", "region", "water", "other"])))
def test_lookup_never_raises_and_stays_on_the_globe(name, label, code, kind):
    place = resolve(name, label, code, kind, ArticleContext({"X": frozenset({"US"})}, frozenset({"TX"})))
    if place is not None:
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
        assert place.feature in tables.PLACE_FEATURES and label in geo.PLACE_LABELS
    rows = add_places([row(name, label, code, kind), row(name.upper(), "GPE"), row("Paris", label, code, kind)])
    for r in rows:
        if r["latitude"] is None:
            assert r["longitude"] is None and r["feature"] is None and r["geonames_id"] is None
        else:
            assert -90 <= r["latitude"] <= 90 and -180 <= r["longitude"] <= 180 and math.isfinite(r["latitude"])
            assert r["feature"] in tables.PLACE_FEATURES


def test_the_contract_has_the_geo_columns_and_checks():
    cols = {c.name: c for c in tables.ENTITIES.columns}
    types = {"latitude": pa.float64(), "longitude": pa.float64(), "geonames_id": pa.int64(), "feature": pa.string()}
    for name, typ in types.items():
        assert cols[name].type == typ and cols[name].nullable and cols[name].doc
    assert tables.ENTITIES.column_names[-4:] == list(types)  # added last, as nullable: old files still read
    checks = {c.kwargs.get("column"): c for c in tables.ENTITIES.checks}
    assert checks["_place_on_globe"].severity == tables.ROW
    assert checks["feature"].kwargs["value_set"] == list(tables.PLACE_FEATURES)
    assert "| `latitude` | double |" in tables.markdown()


def test_validation_quarantines_points_off_the_globe():
    from newsflow.validate import derive, quarantine_rows

    text = "Paris and Lyon and Mars."
    base = {"article_id": "a", "sentence_index": 0, "label": "GPE", "canonical": "x"}
    good = {**base, "start": 0, "end": 5, "text": "Paris", "latitude": 48.85, "longitude": 2.35,
            "geonames_id": 2988507, "feature": "capital"}
    rows = [good,
            {**base, "start": 10, "end": 14, "text": "Lyon", "latitude": 95.0, "longitude": 4.8, "feature": "city"},
            {**base, "start": 19, "end": 23, "text": "Mars", "latitude": 1.0, "longitude": None, "feature": "city"},
            {**base, "start": 0, "end": 5, "text": "Paris", "label": "LOC", "latitude": 48.0, "longitude": 2.0,
             "feature": "planet"},
            {**base, "start": 0, "end": 5, "text": "Paris", "label": "PERSON", "latitude": 48.0, "longitude": 2.0,
             "feature": "city"}]
    frames = {"articles": tables.ARTICLES.from_rows([{"article_id": "a", "text": text}]).to_pandas(),
              "entities": tables.ENTITIES.from_rows(rows).to_pandas()}
    cleaned, records, _ = quarantine_rows(derive(frames))
    assert cleaned["entities"]["text"].tolist() == ["Paris"] and cleaned["entities"]["label"].tolist() == ["GPE"]
    assert len(records) == 4 and {r["reason"].split(": ")[0] for r in records} == {"entities"}
    assert any("feature is one of" in r["reason"] for r in records)


def test_entities_written_before_the_geo_columns_read_as_nulls(tmp_path):
    from newsflow.lake import Lake
    from newsflow.query import connect

    lake = Lake(tmp_path / "data")
    old = tables.ENTITIES.from_rows([{"article_id": "a", "sentence_index": 0, "start": 0, "end": 5, "text": "Paris",
                                      "label": "GPE", "canonical": "Paris", "country_code": "FR"}])
    old = old.drop_columns(list(geo.GEO_COLUMNS))
    for name, table in (("entities", old), ("articles", pa.table({"article_id": ["a"], "text": ["Paris"]}))):
        f = lake.root / name / f"ingest_date={date(2026, 11, 1)}" / "part-old.parquet"
        f.parent.mkdir(parents=True)
        pq.write_table(table, f)
    got = lake.read_table("entities")
    assert got.num_rows == 1 and got.column("latitude").null_count == 1 and got.column("feature").null_count == 1
    con = connect(lake.root)
    assert con.execute("SELECT latitude, longitude, geonames_id, feature FROM entities").fetchall() == \
        [(None, None, None, None)]


@pytest.mark.parametrize("name, feature", [("Gaza Strip", "territory"), ("West Bank", "territory"),
                                           ("Crimea", "peninsula"), ("Donbas", "region"), ("Kashmir", "region"),
                                           ("Sahel", "region"), ("Middle East", "region"),
                                           ("South China Sea", "sea"), ("Strait of Hormuz", "strait"),
                                           ("Persian Gulf", "gulf"), ("Black Sea", "sea"),
                                           ("Gulf of Mexico", "gulf"), ("Pacific Ocean", "ocean")])
def test_curated_places_the_city_list_lacks(name, feature):
    from newsflow.gazetteer import load

    e = load().lookup(name)
    place = resolve(e.canonical, e.label, e.country_code, e.kind)
    assert place is not None and place.feature == feature


def test_the_cached_index_is_the_built_index_and_a_bad_cache_is_rebuilt(tmp_path, monkeypatch):
    """Workers read the index from the user's cache instead of rebuilding it; the file must give
    back exactly what building gives, and a damaged or stale file must never be trusted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = geo.build_index()
    geo.index.cache_clear()
    try:
        assert geo.index() == built  # first call builds and writes the cache
        path = geo._cache_path()
        assert path.parent == tmp_path / "newsflow" and path.exists()
        stale, recent = path.with_name("geo-index-0000000000000000.json"), path.with_name("geo-index-1111111111111111.json")
        stale.write_text("{}")
        recent.write_text("{}")  # another install's index, in use: kept
        old = time.time() - (geo.STALE_CACHE_DAYS + 1) * 86400
        os.utime(stale, (old, old))
        geo.index.cache_clear()
        loaded = geo.index()
        assert loaded == built
        paris = loaded.names["paris"]
        assert len({id(m.place) for m in paris}) == len(paris)  # shared places stay shared objects
        assert loaded.countries["FR"] is next(m.place for m in loaded.names["france"])
        path.write_text('{"places": [["half a row"]]')  # torn or corrupt: rebuilt, rewritten
        geo.index.cache_clear()
        assert geo.index() == built
        assert json.loads(path.read_text())["places"]
        assert not stale.exists() and recent.exists()  # the rewrite removed only the unused old file
        assert not list(path.parent.glob("*.tmp"))
        path.parent.chmod(0o777)  # a folder others may write to is not trusted: built, not read
        path.write_text('{"places": [], "names": {}, "countries": {}, "state_codes": {}}')
        geo.index.cache_clear()
        assert geo.index() == built
    finally:
        geo.index.cache_clear()


def test_an_unwritable_cache_folder_only_means_building(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    geo.index.cache_clear()
    try:
        assert geo.index().countries["US"].geonames_id == 6252001
    finally:
        geo.index.cache_clear()
