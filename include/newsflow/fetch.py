"""Stage 1, fetch: turn sources into raw article records, and anything unusable into rejections.

Whatever reads articles is a :class:`Fetcher` (a small protocol), so the pipeline does not care
where articles come from. This module has the raw record itself (:class:`RawArticle`: its id,
its hash as fetched, its Arrow form for staging) and the local fetcher (files and folders of
.txt, .html, .json, .jsonl); network fetchers (:mod:`newsflow.websources`) implement the same
protocol. Words: a *source* is an entry of the sources file (:class:`newsflow.sources.SourceConfig`)
and, in the tables, the publisher's name (the ``source`` column); a *fetcher* is what reads one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from newsflow import tables
from newsflow.decoding import (
    UndecodableText,
    decode_lines,
    decode_text,
    looks_binary,
    sniff_markup_charset,
)
from newsflow.runs import RunInfo, to_utc
from newsflow.urls import canonical_url

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
ARTICLE_FIELDS = ("id", "url", "title", "text", "html", "published_at", "source", "language")
# Written into fetch_notes when a feed entry's own content stood in for its page. The landed
# table has no column for it, so landed rows are recognised by this note (landed_from_feed_entry).
FEED_ENTRY_NOTE = "used the feed entry's content"


def source_hash(text: str) -> str:
    """SHA-256 of an article's text as fetched (the ``source_hash`` column): whether a
    fetched-again article changed is decided on this, not on the cleaned text, so an upgrade of
    the cleaning rules does not make every article look new."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_timestamp(value: str | None) -> datetime | None:
    """A raw article's date (ISO 8601 or RFC 2822, as feeds and pages write them) as aware UTC;
    naive times are taken as UTC; junk gives None."""
    if not value:
        return None
    try:
        return to_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return to_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        log.warning("unparseable published_at %r left null", value)
        return None


def landed_from_feed_entry(fetch_notes: str | None) -> bool:
    """Whether a landed article's text is a feed entry's content (see FEED_ENTRY_NOTE)."""
    return FEED_ENTRY_NOTE in (fetch_notes or "")


@dataclass
class RawArticle:
    """An article as found, before cleaning. ``text`` or ``html`` is set."""

    external_id: str
    source: str  # the publisher's name: the `source` column
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published_at: str | None = None
    language: str | None = None
    authors: str | None = None  # "; "-separated, as the page or feed names them
    notes: str | None = None  # how it was fetched when that matters: lands in fetch_notes
    updated_at: str | None = None  # when the source says it last changed (feed entry, sitemap, page)
    version: int | None = None  # set when staged: 2 for the second text landed under the same id
    input_hash: str | None = None  # SHA-256 of the input as read when that is not `text` (HTML files)
    from_feed_entry: bool = False  # the text is the feed entry's content, its page could not be used

    @property
    def article_id(self) -> str:
        """Stable id: the canonical URL when known, else source plus external id."""
        basis = canonical_url(self.url) if self.url else f"{self.source}\x1f{self.external_id}"
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]

    @property
    def fetched_hash(self) -> str:
        """The ``source_hash`` of this article: of the input as read (an HTML file's markup),
        else of its text as fetched."""
        return self.input_hash or source_hash(self.text or self.html or "")

    def payload(self) -> str:
        """The record as JSON: a quarantine row's payload, enough to reprocess it."""
        return json.dumps(asdict(self), ensure_ascii=False)


_RAW_TYPES = {"version": pa.int32(), "from_feed_entry": pa.bool_()}
RAW_SCHEMA = pa.schema([(f, _RAW_TYPES.get(f, pa.string())) for f in RawArticle.__dataclass_fields__])


def raw_table(articles: Sequence[RawArticle]) -> pa.Table:
    """Raw articles as an Arrow table (how fetched articles and raw batches are staged)."""
    return pa.Table.from_pylist([asdict(a) for a in articles], schema=RAW_SCHEMA)


def raw_articles(table: pa.Table) -> list[RawArticle]:
    return [RawArticle(**row) for row in table.to_pylist()]


@dataclass
class Rejected:
    """An input that could not become an article; it lands in ``quarantine``."""

    stage: str
    source: str
    external_id: str | None
    reason: str
    payload: str | None = None


def quarantine_table(rejected: Sequence[Rejected], run: RunInfo) -> pa.Table:
    """Rejections as ``quarantine`` rows of a run (every stage's refusals land this way)."""
    return tables.QUARANTINE.from_rows([
        {"run_id": run.run_id, "stage": r.stage, "source": r.source,
         "external_id": r.external_id, "reason": r.reason, "payload": r.payload}
        for r in rejected
    ])


@dataclass
class FetchResult:
    articles: list[RawArticle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class Fetcher(Protocol):
    """Anything that yields raw articles or rejections. Must not raise for bad items."""

    name: str

    def fetch(self) -> Iterator[RawArticle | Rejected]: ...


def _json_type(value: Any) -> str:
    return "object" if isinstance(value, dict) else "array" if isinstance(value, list) else type(value).__name__


def _scalar(value: Any) -> str | None:
    """A JSON scalar as text: numbers and booleans as JSON writes them ("12", "true"), never as
    Python's repr ("True"). Containers are the caller's to refuse."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _authors(value: Any) -> str | None:
    """Authors as one "; "-separated string: a string as is, a list of names joined."""
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return "; ".join(a.strip() for a in value if a.strip()) or None
    if isinstance(value, dict | list):
        raise TypeError(f"field 'authors' must be a string or a list of strings, got a JSON {_json_type(value)}")
    return _scalar(value)


def _fields(obj: dict) -> dict[str, str | None]:
    """The article fields as strings; a JSON object or array where a string belongs raises
    TypeError naming the field, because its repr would land as if it were the title or text."""
    out: dict[str, str | None] = {}
    for key in ARTICLE_FIELDS:
        value = obj.get(key)
        if isinstance(value, dict | list):
            raise TypeError(f"field {key!r} must be a string, got a JSON {_json_type(value)}")
        out[key] = _scalar(value)
    out["authors"] = _authors(obj.get("authors", obj.get("author")))
    return out


def article_from_mapping(obj: Any, source: str, fallback_id: str) -> RawArticle | Rejected:
    """Validate one JSON article object."""
    if not isinstance(obj, dict):
        return Rejected("fetch", source, fallback_id, f"expected a JSON object, got {type(obj).__name__}",
                        json.dumps(obj, ensure_ascii=False)[:10000])
    payload = json.dumps(obj, ensure_ascii=False)
    try:
        f = _fields(obj)
    except TypeError as exc:
        raw_id = obj.get("id")
        ext = fallback_id if raw_id is None or isinstance(raw_id, dict | list) else _scalar(raw_id)
        return Rejected("fetch", source, ext, str(exc), payload)
    ext_id = f["id"] or f["url"] or fallback_id
    text, html = (v if v and v.strip() else None for v in (f["text"], f["html"]))
    if not (text or html):
        return Rejected("fetch", source, ext_id, "article has no non-empty 'text' or 'html' field", payload)
    return RawArticle(
        external_id=ext_id, source=f["source"] or source, text=text, html=html, url=f["url"],
        title=f["title"], published_at=f["published_at"], language=f["language"], authors=f["authors"],
    )


def _noted(item: RawArticle | Rejected, note: str | None) -> RawArticle | Rejected:
    """Put a decoding note on an article (it ends in ``articles.fetch_notes``)."""
    if note is None or isinstance(item, Rejected):
        return item
    return replace(item, notes="; ".join(n for n in (item.notes, note) if n))


@dataclass
class LocalFetcher:
    """Files and folders on disk. Folders are read recursively in sorted order."""

    paths: tuple[str, ...]
    name: str = "local"
    max_bytes: int = 20_000_000

    def files(self) -> Iterator[Path | Rejected]:
        for p in map(Path, self.paths):
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    if f.is_file() and not f.name.startswith((".", "_")) and f.suffix.lower() != ".md":
                        yield f
            elif p.is_file():
                yield p
            else:
                yield Rejected("fetch", str(p), p.stem, "input path does not exist", str(p))

    def fetch(self) -> Iterator[RawArticle | Rejected]:
        for f in self.files():
            if isinstance(f, Rejected):
                yield f
                continue
            yield from self._read_file(f)

    def _read_file(self, f: Path) -> Iterator[RawArticle | Rejected]:
        src = str(f.parent)  # where, for quarantine rows
        name = self.name if self.name != "local" else f.parent.name  # stable across machines: ids hash it
        suffix = f.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            yield Rejected("fetch", src, f.stem, f"unsupported file type {suffix or '(none)'!r}; "
                           f"expected one of {', '.join(SUPPORTED_SUFFIXES)}", str(f))
            return
        try:
            size = f.stat().st_size
            if size > self.max_bytes:
                yield Rejected("fetch", src, f.stem, f"file is {size} bytes, over the {self.max_bytes} limit", str(f))
                return
            data = f.read_bytes()
        except OSError as exc:
            yield Rejected("fetch", src, f.stem, f"cannot read file: {exc.strerror or exc}", str(f))
            return
        if not data.strip():
            yield Rejected("fetch", src, f.stem, "empty file", str(f))
            return
        if looks_binary(data):
            yield Rejected("fetch", src, f.stem, "file is binary or corrupt, not text", str(f))
            return
        if suffix == ".jsonl":
            yield from _read_jsonl(data, f, src, name)
            return
        try:
            decoded = decode_text(data, sniff_markup_charset(data) if suffix in (".html", ".htm") else None)
        except UndecodableText as exc:
            yield Rejected("fetch", src, f.stem, str(exc), str(f))
            return
        content, note = decoded.text, decoded.note
        if not content.strip():
            yield Rejected("fetch", src, f.stem, "empty file", str(f))
        elif suffix == ".txt":
            yield RawArticle(external_id=f.stem, source=name, text=content, notes=note)
        elif suffix in (".html", ".htm"):
            yield RawArticle(external_id=f.stem, source=name, html=content, notes=note)
        else:
            try:
                obj = json.loads(content)
            except json.JSONDecodeError as exc:
                yield Rejected("fetch", src, f.stem, f"invalid JSON: {exc}", content[:100_000])
                return
            yield _noted(article_from_mapping(obj, name, f.stem), note)


def _read_jsonl(data: bytes, f: Path, src: str, name: str) -> Iterator[RawArticle | Rejected]:
    """One article per line, each line decoded on its own: a stray byte or a pasted Latin-1 line
    changes that line only, instead of tipping a whole-file guess into another charset."""
    for lineno, line in decode_lines(data):
        ext = f"{f.stem}:{lineno}"
        if isinstance(line, UndecodableText):
            yield Rejected("fetch", src, ext, f"{line} (line {lineno})", f"{f}:{lineno}")
            continue
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except json.JSONDecodeError as exc:
            yield Rejected("fetch", src, ext, f"invalid JSON on line {lineno}: {exc}", line.text[:100_000])
            continue
        yield _noted(article_from_mapping(obj, name, ext), line.note)


def fetch_all(fetchers: Iterable[Fetcher]) -> FetchResult:
    """Drain every fetcher; one that raises becomes one rejection, the others still run."""
    result = FetchResult()
    for fetcher in fetchers:
        try:
            for item in fetcher.fetch():
                (result.rejected if isinstance(item, Rejected) else result.articles).append(item)
        except Exception as exc:  # one broken source must not sink the run
            log.exception("source %s failed", fetcher.name)
            result.rejected.append(Rejected("fetch", fetcher.name, None, f"source failed: {exc!r}"))
    log.info("fetched %d articles, %d rejected", len(result.articles), len(result.rejected))
    return result
