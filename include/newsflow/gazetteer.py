"""Known names: countries (with ISO 3166-1 alpha-2 codes), capitals, places, organisations, titles.

Loaded once from ``gazetteer.json``. Used by the entity components to fix labels the small
spaCy model gets wrong, to map aliases to one canonical name ("U.S." -> "United States") and to
give places their country code and kind. The kind is what lets a query tell a country from a
place in it: "Moscow" carries Russia's code "RU" (so place counts roll up to countries) but its
kind is "capital", so "countries mentioned together" can ask for ``kind = 'country'``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

GAZETTEER_FILE = Path(__file__).resolve().parent / "gazetteer.json"


# What a known place is; the entities table's ``kind`` column holds one of these (or null).
PLACE_KINDS = ("country", "capital", "city", "region", "water")


@dataclass(frozen=True)
class Entry:
    canonical: str
    label: str  # GPE, LOC, ORG, NORP
    country_code: str | None
    kind: str | None = None  # one of PLACE_KINDS for places, None for organisations and demonyms


@dataclass(frozen=True)
class Gazetteer:
    aliases: dict[str, Entry]  # surface form (as written) -> entry
    titles: frozenset[str]
    countries: frozenset[str]  # canonical country names

    def country_name(self, text: str) -> str | None:
        e = self.lookup(text)
        return e.canonical if e is not None and e.label == "GPE" and e.canonical in self.countries else None

    def kind_of(self, canonical: str, label: str) -> str | None:
        """Kind of a place entity by its canonical name; None for non-places and unknown places."""
        if label not in ("GPE", "LOC", "FAC"):
            return None
        entry = self.aliases.get(canonical)
        return entry.kind if entry is not None and entry.label in ("GPE", "LOC") else None

    def lookup(self, text: str) -> Entry | None:
        t = text.strip()
        hit = self.aliases.get(t)
        if hit is None and t[:4].lower() == "the ":
            hit = self.aliases.get(t[4:])
        if hit is None and t.isupper() and len(t) > 3:
            hit = self.aliases.get(t.title()) or self.aliases.get("the " + t[4:].title() if t.startswith("THE ") else "")
        return hit


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


@functools.cache
def load() -> Gazetteer:
    data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    aliases: dict[str, Entry] = {}

    def add(surface: str, entry: Entry, overwrite: bool = False) -> None:
        for form in {surface, _strip_the(surface)}:
            if form and (overwrite or form not in aliases):
                aliases[form] = entry

    for c in data.get("countries", []):
        entry = Entry(_strip_the(c["name"]), "GPE", c.get("code"), "country")
        for a in [c["name"], *c.get("aliases", [])]:
            add(a, entry, overwrite=True)
        for d in c.get("demonyms", []):
            add(d, Entry(d, "NORP", c.get("code")))
        if c.get("capital"):
            add(c["capital"], Entry(c["capital"], "GPE", c.get("code"), "capital"))
    for p in data.get("places", []):
        entry = Entry(_strip_the(p["name"]), p.get("label", "LOC"), p.get("country"), p.get("kind", "region"))
        for a in [p["name"], *p.get("aliases", [])]:
            add(a, entry)
    for g in data.get("groups", []):  # peoples and religious or political groups not tied to one country
        entry = Entry(g["name"], "NORP", None)
        for a in [g["name"], *g.get("aliases", [])]:
            add(a, entry)
    for o in data.get("organisations", []):
        entry = Entry(_strip_the(o["name"]), "ORG", None)
        for a in [o["name"], *o.get("aliases", [])]:
            add(a, entry)
    countries = frozenset(_strip_the(c["name"]) for c in data.get("countries", []))
    return Gazetteer(aliases=aliases, titles=frozenset(data.get("titles", [])), countries=countries)
