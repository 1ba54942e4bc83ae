"""The sources file: which feeds, sitemaps, pages, folders and dumps to read.

YAML, validated on load with errors that name the source and the bad key::

    sources:
      - name: guardian-world
        type: rss                # rss (RSS 0.9x/1.0/2.0, Atom, JSON Feed), sitemap, pages, folder, jsonl
        url: https://www.theguardian.com/world/rss
        language: en             # a hint; the text's own language wins when it is clear
        schedule: hourly         # a hint for operators; the DAG's schedule decides
        follow_links: true       # fetch each entry's page for the full text
        max_items: 50            # per run
        respect_robots: true
        allow_loopback: false    # tests point sources at their own server on 127.0.0.1
        connection: news_api     # credentials (proxy, basic auth, token, headers) from this
                                 # connection: an Airflow Connection, or AIRFLOW_CONN_NEWS_API
      - name: samples
        type: folder
        path: include/newsflow/samples
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

TYPES = ("rss", "sitemap", "pages", "folder", "jsonl")


class SourcesError(ValueError):
    pass


@dataclass(frozen=True)
class SourceConfig:
    name: str
    type: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: str | None = None
    language: str | None = None
    schedule: str | None = None
    follow_links: bool = True
    max_items: int = 100
    respect_robots: bool = True
    allow_loopback: bool = False
    allow_private: bool = False
    timeout: float = 15.0
    max_bytes: int = 10_000_000
    retries: int = 3
    host_interval: float = 1.0
    connection: str | None = None  # the id of the connection holding its credentials (newsflow.credentials)


_KEYS = {f.name for f in fields(SourceConfig)}
_TYPES_NEEDING = {"rss": "url", "sitemap": "url", "pages": "urls", "folder": "path", "jsonl": "path"}


def parse_sources(data: Any, origin: str = "sources") -> list[SourceConfig]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(f"{origin}: expected a mapping with a 'sources' list")
    out, names = [], set()
    for i, item in enumerate(data["sources"], 1):
        where = f"{origin}: source #{i}"
        if not isinstance(item, dict):
            raise SourcesError(f"{where}: expected a mapping, got {type(item).__name__}")
        if item.get("name"):
            where += f" ({item['name']!r})"
        for key in item:
            if key not in _KEYS:
                hint = difflib.get_close_matches(str(key), sorted(_KEYS), n=1)
                raise SourcesError(f"{where}: unknown key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else ""))
        for key in ("name", "type"):
            if not item.get(key):
                raise SourcesError(f"{where}: missing required key {key!r}")
        if item["type"] not in TYPES:
            raise SourcesError(f"{where}: type {item['type']!r} is not one of {', '.join(TYPES)}")
        need = _TYPES_NEEDING[item["type"]]
        if not item.get(need):
            raise SourcesError(f"{where}: type {item['type']!r} needs {need!r}")
        if item["name"] in names:
            raise SourcesError(f"{where}: duplicate source name {item['name']!r}")
        names.add(item["name"])
        kwargs = dict(item)
        if "urls" in kwargs:
            if not isinstance(kwargs["urls"], list) or not all(isinstance(u, str) for u in kwargs["urls"]):
                raise SourcesError(f"{where}: 'urls' must be a list of URLs")
            kwargs["urls"] = tuple(kwargs["urls"])
        for key, typ in (("max_items", int), ("retries", int), ("timeout", (int, float)),
                         ("max_bytes", int), ("host_interval", (int, float))):
            if key in kwargs and (not isinstance(kwargs[key], typ) or isinstance(kwargs[key], bool) or kwargs[key] < 0):
                raise SourcesError(f"{where}: {key!r} must be a non-negative number")
        if "connection" in kwargs and (item["type"] in ("folder", "jsonl") or not isinstance(kwargs["connection"], str)
                                       or not re.fullmatch(r"[A-Za-z0-9_.-]+", kwargs["connection"])):
            raise SourcesError(f"{where}: 'connection' must be a connection id (letters, digits, '_', '.', '-') "
                               "on a web source")
        for key in ("follow_links", "respect_robots", "allow_loopback", "allow_private"):
            if key in kwargs and not isinstance(kwargs[key], bool):
                raise SourcesError(f"{where}: {key!r} must be true or false")
        out.append(SourceConfig(**kwargs))
    return out


def load_sources(path: str | Path) -> list[SourceConfig]:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise SourcesError(f"{p}: not valid YAML: {exc}") from exc
    sources = parse_sources(data, str(p))
    base = p.parent
    return [s if s.path is None or Path(s.path).is_absolute()
            else SourceConfig(**{**s.__dict__, "path": str((base / s.path).resolve())}) for s in sources]
