"""HTML to article text, at fetch time: main text, title, dates and authors of a page.

Fetching owns this step (not processing) because copies and changes are found on text: an HTML
file or page becomes text as soon as it is read, so duplicates of it show before anything is
processed, and its ``source_hash`` is the markup's, so an upgraded extractor does not make every
landed page look changed. Two readers: :func:`extract_html` for HTML files and inputs (trafilatura)
and :func:`extract_page` for web pages (trafilatura plus JSON-LD ``NewsArticle`` metadata).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newsflow.fetch import RawArticle, Rejected, source_hash

log = logging.getLogger(__name__)

_JSON_LD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
NEWS_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
              "OpinionNewsArticle", "LiveBlogPosting"}


def extract_html(html: str) -> tuple[str, str | None, str | None, list[str]]:
    """Main text, title, date and authors of an article page (trafilatura)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or not (doc.text or "").strip():
        return "", None, None, []
    text, title = doc.text, doc.title
    first, _, rest = text.partition("\n")
    if title and first.strip() == title.strip():
        text = rest  # the headline goes to `title`, not into the body
    authors = [a.strip() for a in re.split(r"[;|]", doc.author or "") if a.strip()]
    return text, title, doc.date, authors


def text_from_html(raw: RawArticle) -> RawArticle | Rejected:
    """HTML inputs become text as soon as they are fetched, so that copies among them are found
    (and changes to them noticed) before anything is processed."""
    if raw.text or not raw.html:
        return raw
    try:
        body, title, date, authors = extract_html(raw.html)
    except Exception as exc:  # a broken page must become a quarantine row, not a crash
        log.warning("extracting %s failed: %r", raw.external_id, exc)
        return Rejected("clean", raw.source, raw.external_id, f"HTML extraction failed: {exc!r}", raw.payload())
    if not body.strip():
        return Rejected("clean", raw.source, raw.external_id, "no main text found in HTML", raw.payload())
    # the HTML's hash, not the extracted text's: an upgraded extractor must not make every file "changed"
    return replace(raw, text=body, html=None, title=raw.title or title, published_at=raw.published_at or date,
                   authors=raw.authors or "; ".join(authors) or None, input_hash=source_hash(raw.html))



def extract_page(html: str, url: str) -> dict[str, Any]:
    """Main text, title, date, authors and language of an article page (trafilatura + JSON-LD)."""
    import trafilatura

    meta = _json_ld(html)
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    text = (doc.text or "").strip() if doc else ""
    title = meta.get("headline") or (doc.title if doc else None)
    if text and title:
        first, _, rest = text.partition("\n")
        if first.strip() == title.strip():
            text = rest.strip()
    authors = meta.get("authors") or ([a.strip() for a in re.split(r"[;|]", doc.author or "") if a.strip()]
                                      if doc else [])
    return {"text": text, "title": title, "date": meta.get("datePublished"), "date_guess": doc.date if doc else None,
            "modified": meta.get("dateModified"),
            "authors": authors, "language": meta.get("inLanguage")}


def _json_ld(html: str) -> dict[str, Any]:
    for block in _JSON_LD.findall(html):
        try:
            data = json.loads(block.strip())
        except json.JSONDecodeError:
            continue
        for item in _walk(data):
            types = item.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & NEWS_TYPES:
                authors = item.get("author") or []
                authors = authors if isinstance(authors, list) else [authors]
                names = [a.get("name") if isinstance(a, dict) else str(a) for a in authors]
                return {"headline": item.get("headline"), "datePublished": item.get("datePublished"),
                        "dateModified": item.get("dateModified"),
                        "inLanguage": item.get("inLanguage"), "authors": [n for n in names if n]}
    return {}


def _walk(data: Any) -> Iterator[dict]:
    if isinstance(data, dict):
        yield data
        for v in data.get("@graph", []) if isinstance(data.get("@graph"), list) else []:
            yield from _walk(v)
    elif isinstance(data, list):
        for v in data:
            yield from _walk(v)
