"""Stages 2 to 5 over one batch: clean, segment, entities, numbers.

Works on a list of raw articles and returns Arrow tables in the table contract, plus the
rejections. Pure with respect to storage: reading and writing batches is :mod:`newsflow.lake`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from newsflow import tables
from newsflow.clean import clean_article_text, clean_text, content_hash, word_count
from newsflow.dedup import simhash
from newsflow.fetch import RawArticle, Rejected, parse_timestamp
from newsflow.htmltext import extract_html
from newsflow.language import detect_language
from newsflow.runs import FUTURE_TOLERANCE, RunInfo
from newsflow.segment import segment
from newsflow.settings import Settings

log = logging.getLogger(__name__)


def admission_problem(text: str, min_words: int, max_chars: int) -> str | None:
    """Why a cleaned text cannot become an article, or None. Staging applies the same rule
    before looking for duplicates, so copies of a text that will not land are not recorded as
    duplicates of it."""
    if not text:
        return "no text left after cleaning"
    if (words := word_count(text)) < min_words:
        return f"too short to be an article: {words} words (minimum {min_words})"
    if len(text) > max_chars:
        return (f"text of {len(text):,} characters is over the {max_chars:,}-character limit of the "
                "NLP stage (NEWSFLOW_MAX_ARTICLE_CHARS); reprocess from the payload with a higher limit")
    return None


def normalise_language(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) == 2 and code.isalpha() else None


@dataclass
class BatchResult:
    tables: dict[str, pa.Table]
    rejected: list[Rejected] = field(default_factory=list)
    failed: int = 0  # articles whose processing raised (each also a row in ``rejected``)

    def counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def prepare(raw: RawArticle, run: RunInfo, min_words: int = 5,
            max_chars: int = 1_000_000) -> dict | Rejected:
    """Clean one raw article into an `articles` row, or reject it with the reason.

    Exceptions propagate: :func:`process_batch` turns them into the article's quarantine row.
    """
    payload = raw.payload()
    title, published = raw.title, raw.published_at
    authors = [a for a in (raw.authors or "").split("; ") if a]
    if raw.text:
        body = raw.text
    else:
        body, html_title, html_date, authors = extract_html(raw.html or "")
        title, published = title or html_title, published or html_date
        if not body.strip():
            return Rejected("clean", raw.source, raw.external_id, "no main text found in HTML", payload)
    text, byline = clean_article_text(body)
    authors += [a for a in byline if a not in authors]
    if reason := admission_problem(text, min_words, max_chars):
        return Rejected("clean", raw.source, raw.external_id, reason, payload)
    notes = [raw.notes] if raw.notes else []
    published_at = parse_timestamp(published)
    if published_at is not None and published_at > run.logical_time + FUTURE_TOLERANCE:
        notes.append(f"publication date {published_at.isoformat()} is in the future: left null")
        published_at = None
    updated_at = parse_timestamp(raw.updated_at)
    if updated_at is not None and updated_at > run.logical_time + FUTURE_TOLERANCE:
        notes.append(f"update time {updated_at.isoformat()} is in the future: left null")
        updated_at = None
    detected = detect_language(text, hint=normalise_language(raw.language))
    return {
        "article_id": raw.article_id,
        "external_id": raw.external_id,
        "source": raw.source,
        "url": raw.url,
        "title": clean_text(title) if title else None,
        "authors": authors,
        "published_at": published_at,
        "fetched_at": run.logical_time,
        # a confident detection wins over the source's tag, which is often wrong; an unsure one
        # (short text) takes the tag, else NEWSFLOW_DEFAULT_LANGUAGE
        "language": detected.language,
        "text": text,
        "word_count": word_count(text),
        "content_hash": content_hash(text),
        "simhash": f"{simhash(text):016x}",
        "run_id": run.run_id,
        "fetch_notes": "; ".join(notes) or None,
        "version": raw.version or 1,
        "updated_at": updated_at,
        "source_hash": raw.fetched_hash,
    }


def process_batch(raws: Sequence[RawArticle], run: RunInfo, settings: Settings) -> BatchResult:
    """Clean, segment and extract every article of a batch.

    Fault isolation: an exception on one article (cleaning, segmenting or any NLP component)
    puts that article in quarantine with the stage, the exception and its raw payload, and the
    batch goes on; ``BatchResult.failed`` counts them for the run's summary.
    """
    articles, rejected, failed = [], [], 0
    payloads: dict[str, RawArticle] = {}
    for raw in raws:
        try:
            row = prepare(raw, run, settings.min_words, settings.max_article_chars)
        except Exception as exc:  # any bug on one input must not sink the batch
            row, failed = failure_row("clean", raw, exc), failed + 1
        if isinstance(row, Rejected):
            rejected.append(row)
        else:
            articles.append(row)
            payloads[row["article_id"]] = raw
    rows: dict[str, dict[str, list[dict]]] = {}
    for a in articles:
        if a["language"] not in settings.nlp_languages:
            # landed with its sentences; the note says why it has no entities or numbers
            a["fetch_notes"] = "; ".join(filter(None, [a["fetch_notes"], (
                f"language {a['language']!r} is not in NEWSFLOW_NLP_LANGUAGES "
                f"({','.join(settings.nlp_languages)}): entities and numbers skipped")]))
            try:
                rows[a["article_id"]] = {"sentences": _sentence_rows(a["article_id"], a["text"], segment(a["text"]))}
            except Exception as exc:
                rejected.append(failure_row("segment", payloads[a["article_id"]], exc))
    nlp_articles = [a for a in articles if a["language"] in settings.nlp_languages]
    for a, result in _extract(nlp_articles, settings):
        if isinstance(result, _Failure):
            rejected.append(failure_row(result.stage, payloads[a["article_id"]], result.error))
        else:
            rows[a["article_id"]] = result
    failed += len(articles) - len(rows)
    landed = [a for a in articles if a["article_id"] in rows]
    out = {name: [r for a in landed for r in rows[a["article_id"]].get(name, [])]
           for name in ("sentences", "entities", "numbers", "quotes", "dates")}
    for a in landed:
        for name in out:
            for r in rows[a["article_id"]].get(name, []):
                r["version"] = a["version"]
    log.info("batch: %d articles, %d sentences, %d entities, %d numbers, %d rejected (%d failed with an error)",
             len(landed), len(out["sentences"]), len(out["entities"]), len(out["numbers"]), len(rejected), failed)
    return BatchResult(
        tables={
            "articles": tables.ARTICLES.from_rows(landed),
            "sentences": tables.SENTENCES.from_rows(out["sentences"]),
            "entities": tables.ENTITIES.from_rows(out["entities"]),
            "numbers": tables.NUMBERS.from_rows(out["numbers"]),
            "quotes": tables.QUOTES.from_rows(out["quotes"]),
            "dates": tables.DATES.from_rows(out["dates"]),
        },
        rejected=rejected,
        failed=failed,
    )


@dataclass
class _Failure:
    stage: str
    error: Exception


def failure_row(stage: str, raw: RawArticle, exc: Exception) -> Rejected:
    """The quarantine row of an article whose processing raised: stage, exception, raw payload."""
    log.warning("%s failed on %s (%s): %s: %s", stage, raw.external_id, raw.source, type(exc).__name__, exc)
    message = str(exc).splitlines()[0][:500] if str(exc) else ""
    return Rejected(stage, raw.source, raw.external_id, f"{stage} failed: {type(exc).__name__}: {message}",
                    raw.payload())


def _extract(articles: list[dict], settings: Settings):
    """(article, rows or _Failure) for each article, through spaCy in batches.

    The fast path pipes a chunk of texts at once; if anything in the chunk raises, the chunk is
    redone one article and one component at a time, so only the article that raises is lost and
    its quarantine row names the stage (entities or numbers) that failed.
    """
    if not articles:
        return
    from newsflow.entities import article_doc, load_nlp

    nlp = load_nlp(settings.spacy_model)
    nlp.max_length = max(nlp.max_length, settings.max_article_chars + 1)  # longer texts were refused
    size = max(1, settings.nlp_batch_size)
    for i in range(0, len(articles), size):
        chunk = articles[i : i + size]
        try:
            docs = list(nlp.pipe((article_doc(nlp, a["text"], a.get("url")) for a in chunk), batch_size=size))
            results = [_rows_of(a, doc) for a, doc in zip(chunk, docs, strict=True)]
        except Exception:  # find the culprit one article at a time
            results = [_one_by_one(nlp, a) for a in chunk]
        yield from zip(chunk, results, strict=True)


def _one_by_one(nlp, article: dict) -> dict[str, list[dict]] | _Failure:
    from newsflow.entities import article_doc

    doc = None
    for name, component in [("tokenizer", nlp.tokenizer), *nlp.pipeline]:
        stage = "numbers" if "numbers" in name else "entities"
        try:
            doc = article_doc(nlp, article["text"], article.get("url")) if doc is None else component(doc)
        except Exception as exc:
            return _Failure(stage, exc)
    try:
        return _rows_of(article, doc)
    except Exception as exc:
        return _Failure("entities", exc)


def _rows_of(article: dict, doc) -> dict[str, list[dict]]:
    from newsflow.dates import date_rows
    from newsflow.entities import entity_rows, number_rows
    from newsflow.quotes import quote_rows

    aid, text, sents = article["article_id"], article["text"], doc._.sentences
    ents = entity_rows(aid, doc)
    return {"sentences": _sentence_rows(aid, text, sents), "entities": ents, "numbers": number_rows(aid, doc),
            "quotes": quote_rows(aid, text, sents, ents), "dates": date_rows(aid, text, sents, article["published_at"])}


def _sentence_rows(article_id: str, text: str, sents) -> list[dict]:
    return [
        {"article_id": article_id, "paragraph_index": s.paragraph_index,
         "sentence_index": s.sentence_index, "start": s.start, "end": s.end,
         "text": text[s.start : s.end]}
        for s in sents
    ]

