"""Stage 1, fetch: turn sources into raw article records, and anything unusable into rejections.

Sources sit behind a small interface (:class:`Source`) so the pipeline does not care where
articles come from. This module has the local implementation (files and folders of .txt,
.html, .json, .jsonl); network sources implement the same interface.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
ARTICLE_FIELDS = ("id", "url", "title", "text", "html", "published_at", "source", "language")


@dataclass
class RawArticle:
    """An article as found, before cleaning. ``text`` or ``html`` is set."""

    external_id: str
    source: str
    text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    published_at: str | None = None
    language: str | None = None
    authors: str | None = None  # "; "-separated, as the page or feed names them
    notes: str | None = None  # how it was fetched when that matters ("used the feed entry's content")
    updated_at: str | None = None  # when the source says it last changed (feed entry, sitemap, page)
    version: str | None = None  # set when staged: "2" for the second text landed under the same id
    input_hash: str | None = None  # SHA-256 of the input as read when that is not `text` (HTML files)


@dataclass
class Rejected:
    """An input that could not become an article; it lands in ``quarantine``."""

    stage: str
    source: str
    external_id: str | None
    reason: str
    payload: str | None = None


@dataclass
class FetchResult:
    articles: list[RawArticle] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class Source(Protocol):
    """Anything that yields raw articles or rejections. Must not raise for bad items."""

    name: str

    def fetch(self) -> Iterator[RawArticle | Rejected]: ...


def _decode(data: bytes) -> str:
    """UTF-8 when valid, else the best guess (legacy files are often Latin-1 or cp1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise ValueError("not decodable as text in any known encoding") from None
        return str(best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" in sample or sum(b < 9 or 13 < b < 32 for b in sample) > len(sample) * 0.1


def article_from_mapping(obj: Any, source: str, fallback_id: str) -> RawArticle | Rejected:
    """Validate one JSON article object."""
    if not isinstance(obj, dict):
        return Rejected("fetch", source, fallback_id, f"expected a JSON object, got {type(obj).__name__}",
                        json.dumps(obj, ensure_ascii=False)[:10000])
    text, html = obj.get("text"), obj.get("html")
    ext_id = str(obj.get("id") or obj.get("url") or fallback_id)
    payload = json.dumps(obj, ensure_ascii=False)
    if not any(isinstance(v, str) and v.strip() for v in (text, html)):
        return Rejected("fetch", source, ext_id, "article has no non-empty 'text' or 'html' field", payload)
    def s(key: str) -> str | None:
        v = obj.get(key)
        return None if v is None else str(v)
    return RawArticle(
        external_id=ext_id, source=s("source") or source,
        text=text if isinstance(text, str) and text.strip() else None,
        html=html if isinstance(html, str) and html.strip() else None,
        url=s("url"), title=s("title"), published_at=s("published_at"), language=s("language"),
    )


@dataclass
class LocalSource:
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
        if _looks_binary(data):
            yield Rejected("fetch", src, f.stem, "file is binary or corrupt, not text", str(f))
            return
        try:
            content = _decode(data)
        except ValueError as exc:
            yield Rejected("fetch", src, f.stem, str(exc), str(f))
            return
        if suffix == ".txt":
            yield RawArticle(external_id=f.stem, source=name, text=content)
        elif suffix in (".html", ".htm"):
            yield RawArticle(external_id=f.stem, source=name, html=content)
        elif suffix == ".json":
            try:
                obj = json.loads(content)
            except json.JSONDecodeError as exc:
                yield Rejected("fetch", src, f.stem, f"invalid JSON: {exc}", content[:100_000])
                return
            yield article_from_mapping(obj, name, f.stem)
        else:
            for lineno, line in enumerate(content.splitlines(), 1):
                if not line.strip():
                    continue
                ext = f"{f.stem}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Rejected("fetch", src, ext, f"invalid JSON on line {lineno}: {exc}", line[:100_000])
                    continue
                yield article_from_mapping(obj, name, ext)


def fetch_all(sources: Iterable[Source]) -> FetchResult:
    """Drain every source; a source that raises becomes one rejection, the others still run."""
    result = FetchResult()
    for source in sources:
        try:
            for item in source.fetch():
                (result.rejected if isinstance(item, Rejected) else result.articles).append(item)
        except Exception as exc:  # one broken source must not sink the run
            log.exception("source %s failed", source.name)
            result.rejected.append(Rejected("fetch", source.name, None, f"source failed: {exc!r}"))
    log.info("fetched %d articles, %d rejected", len(result.articles), len(result.rejected))
    return result
