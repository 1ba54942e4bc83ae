"""Stages 2 to 5 over one batch: clean, segment, entities, numbers.

Works on a list of raw articles and returns Arrow tables in the table contract, plus the
rejections. Pure with respect to storage: reading and writing batches is :mod:`newsflow.lake`'s job.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pyarrow as pa

from newsflow import tables
from newsflow.clean import clean_text, content_hash, strip_boilerplate, word_count
from newsflow.dedup import simhash, source_hash
from newsflow.fetch import RawArticle, Rejected
from newsflow.language import detect_language
from newsflow.runs import RunInfo, to_utc
from newsflow.segment import segment
from newsflow.settings import Settings
from newsflow.urls import canonical_url

FUTURE_TOLERANCE = timedelta(days=1)

log = logging.getLogger(__name__)


def article_id_for(raw: RawArticle) -> str:
    """Stable id: the canonical URL when known, else source plus external id."""
    basis = canonical_url(raw.url) if raw.url else f"{raw.source}\x1f{raw.external_id}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


def parse_timestamp(value: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 dates to aware UTC; naive times are taken as UTC; junk gives None."""
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
    import json
    from dataclasses import asdict, replace

    if raw.text or not raw.html:
        return raw
    try:
        body, title, date, authors = extract_html(raw.html)
    except Exception as exc:  # a broken page must become a quarantine row, not a crash
        log.warning("extracting %s failed: %r", raw.external_id, exc)
        return Rejected("clean", raw.source, raw.external_id, f"HTML extraction failed: {exc!r}",
                        json.dumps(asdict(raw), ensure_ascii=False))
    if not body.strip():
        return Rejected("clean", raw.source, raw.external_id, "no main text found in HTML",
                        json.dumps(asdict(raw), ensure_ascii=False))
    # the HTML's hash, not the extracted text's: an upgraded extractor must not make every file "changed"
    return replace(raw, text=body, html=None, title=raw.title or title, published_at=raw.published_at or date,
                   authors=raw.authors or "; ".join(authors) or None, input_hash=source_hash(raw.html))


def normalise_language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) == 2 and code.isalpha() else None


@dataclass
class BatchResult:
    tables: dict[str, pa.Table]
    rejected: list[Rejected] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def prepare(raw: RawArticle, run: RunInfo, min_words: int = 5) -> dict | Rejected:
    """Clean one raw article into an `articles` row, or reject it with the reason."""
    import json

    payload = json.dumps(raw.__dict__, ensure_ascii=False)
    try:
        title, published = raw.title, raw.published_at
        authors = [a for a in (raw.authors or "").split("; ") if a]
        if raw.text:
            body = raw.text
        else:
            body, html_title, html_date, authors = extract_html(raw.html or "")
            title, published = title or html_title, published or html_date
            if not body.strip():
                return Rejected("clean", raw.source, raw.external_id, "no main text found in HTML", payload)
        text, byline = strip_boilerplate(clean_text(body))
        authors += [a for a in byline if a not in authors]
    except Exception as exc:  # a broken input must become a quarantine row, not a crash
        log.warning("cleaning %s failed: %r", raw.external_id, exc)
        return Rejected("clean", raw.source, raw.external_id, f"cleaning failed: {exc!r}", payload)
    if not text:
        return Rejected("clean", raw.source, raw.external_id, "no text left after cleaning", payload)
    if word_count(text) < min_words:
        return Rejected("clean", raw.source, raw.external_id,
                        f"too short to be an article: {word_count(text)} words (minimum {min_words})", payload)
    notes = [raw.notes] if raw.notes else []
    published_at = parse_timestamp(published)
    if published_at is not None and published_at > run.logical_time + FUTURE_TOLERANCE:
        notes.append(f"publication date {published_at.isoformat()} is in the future: left null")
        published_at = None
    updated_at = parse_timestamp(raw.updated_at)
    if updated_at is not None and updated_at > run.logical_time + FUTURE_TOLERANCE:
        notes.append(f"update time {updated_at.isoformat()} is in the future: left null")
        updated_at = None
    detected = detect_language(text)
    return {
        "article_id": article_id_for(raw),
        "external_id": raw.external_id,
        "source": raw.source,
        "url": raw.url,
        "title": clean_text(title) if title else None,
        "authors": authors,
        "published_at": published_at,
        "fetched_at": run.logical_time,
        # the text's own language wins over tags, which are often wrong; the tag breaks ties
        "language": detected if detected != "und" else normalise_language(raw.language) or "und",
        "text": text,
        "word_count": word_count(text),
        "content_hash": content_hash(text),
        "simhash": f"{simhash(text):016x}",
        "run_id": run.run_id,
        "fetch_notes": "; ".join(notes) or None,
        "version": int(raw.version or 1),
        "updated_at": updated_at,
        "source_hash": raw.input_hash or source_hash(raw.text or raw.html or ""),
    }


def process_batch(raws: Sequence[RawArticle], run: RunInfo, settings: Settings) -> BatchResult:
    articles, rejected = [], []
    for raw in raws:
        row = prepare(raw, run, settings.min_words)
        (rejected if isinstance(row, Rejected) else articles).append(row)

    sentences: list[dict] = []
    entities: list[dict] = []
    amounts: list[dict] = []
    nlp_rows = []
    for a in articles:
        if a["language"] in settings.nlp_languages:
            nlp_rows.append(a)
        else:
            sentences.extend(_sentence_rows(a["article_id"], a["text"], segment(a["text"])))
            rejected.append(Rejected(
                "entities", a["source"], a["external_id"],
                f"language {a['language']!r} is not in NEWSFLOW_NLP_LANGUAGES "
                f"({','.join(settings.nlp_languages)}): article and sentences landed, "
                "entities and numbers skipped", a["article_id"]))
    if nlp_rows:
        from newsflow.entities import entity_rows, load_nlp, number_rows

        nlp = load_nlp(settings.spacy_model)
        texts = (a["text"] for a in nlp_rows)
        for a, doc in zip(nlp_rows, nlp.pipe(texts, batch_size=settings.nlp_batch_size), strict=True):
            sentences.extend(_sentence_rows(a["article_id"], a["text"], doc._.sentences))
            entities.extend(entity_rows(a["article_id"], doc))
            amounts.extend(number_rows(a["article_id"], doc))
    versions = {a["article_id"]: a["version"] for a in articles}
    for row in (*sentences, *entities, *amounts):
        row["version"] = versions[row["article_id"]]
    log.info("batch: %d articles, %d sentences, %d entities, %d numbers, %d rejected",
             len(articles), len(sentences), len(entities), len(amounts), len(rejected))
    return BatchResult(
        tables={
            "articles": tables.ARTICLES.from_rows(articles),
            "sentences": tables.SENTENCES.from_rows(sentences),
            "entities": tables.ENTITIES.from_rows(entities),
            "numbers": tables.NUMBERS.from_rows(amounts),
        },
        rejected=rejected,
    )


def _sentence_rows(article_id: str, text: str, sents) -> list[dict]:
    return [
        {"article_id": article_id, "paragraph_index": s.paragraph_index,
         "sentence_index": s.sentence_index, "start": s.start, "end": s.end,
         "text": text[s.start : s.end]}
        for s in sents
    ]


def quarantine_table(rejected: Sequence[Rejected], run: RunInfo) -> pa.Table:
    return tables.QUARANTINE.from_rows([
        {"run_id": run.run_id, "stage": r.stage, "source": r.source,
         "external_id": r.external_id, "reason": r.reason, "payload": r.payload}
        for r in rejected
    ])
