"""Quality of the `quotes` and `dates` tables on real news (``newsflow eval``; issue 13).

The sets are ``evaldata/real_quotes_{dev,heldout}.jsonl`` and ``evaldata/real_dates_{dev,heldout}
.jsonl``: Voice of America, Wikinews and US-government text labelled by someone who never saw the
extractors (conventions in ``evaldata/README_real.md``). The dev halves may be looked at and tuned
on; the held-out halves are for final measurement only: nothing reads them unless asked by name.

How a prediction counts (one gold item matches at most one prediction, in text order):

* quotes, ``speaker``: the spans overlap and the speaker agrees: the canonical names are equal
  when the gold has one (the labeller fills it whenever the passage names the speaker, so an
  unresolved "he" is a miss; "Obama" matches "Barack Obama", see :func:`same_name`), else the
  speakers as written are (case and a leading "the" aside);
  ``speaker+verb`` also needs the verb lemma, ``span`` only the overlap (quote detection);
* dates, ``resolved``: the spans overlap and start_date and end_date are both equal (both null
  for a vague expression); ``span`` only the overlap; ``resolved:<granularity>`` per gold unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from newsflow.dates import date_rows
from newsflow.evaluate import EVAL_DIR, Report, load
from newsflow.quotes import quote_rows
from newsflow.segment import segment

QUOTES_SETS = {"real-dev": EVAL_DIR / "real_quotes_dev.jsonl", "real-heldout": EVAL_DIR / "real_quotes_heldout.jsonl"}
DATES_SETS = {"real-dev": EVAL_DIR / "real_dates_dev.jsonl", "real-heldout": EVAL_DIR / "real_dates_heldout.jsonl"}


def _span(item: dict) -> tuple[int, int]:
    return item["start"], item["start"] + len(item["text"])


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _name(value: str | None) -> str | None:
    """A speaker compared without case or a leading "the"."""
    if value is None:
        return None
    v = value.casefold().strip()
    return v[4:] if v.startswith("the ") else v


def same_name(a: str | None, b: str | None) -> bool:
    """Equal, or one is the end of the other word for word: newsflow's canonical name is the
    article's fullest name, so "Obama" when the passage never says "Barack Obama" (the labeller
    filled in full names), and titles NER kept ("Brigadier General Patrick Ryder") do not count
    against it."""
    x, y = (_name(a) or "").split(), (_name(b) or "").split()
    short, long_ = sorted((x, y), key=len)
    return bool(short) and long_[len(long_) - len(short):] == short


def same_speaker(pred: dict, gold: dict) -> bool:
    """The canonical names agree when the gold has one, else the speakers as written."""
    if gold.get("speaker_canonical"):
        return same_name(pred.get("speaker_canonical"), gold["speaker_canonical"])
    return pred.get("speaker") is not None and _name(pred["speaker"]) == _name(gold.get("speaker"))


def _tally(report: Report, names: Iterable[str], pred: list[dict], gold: list[dict],
           agree: Callable[[dict, dict], bool], key: Callable[[dict], str] | None = None) -> None:
    """Greedy one-to-one matching of predictions to gold items (spans overlap and ``agree``)."""
    for name in names:
        used: set[int] = set()
        for p in pred:
            hit = next((i for i, g in enumerate(gold) if i not in used and _overlap((p["start"], p["end"]), _span(g))
                        and agree(p, g)), None)
            report.scores[name].tp += hit is not None
            report.scores[name].fp += hit is None
            if hit is not None:
                used.add(hit)
                if key is not None:
                    report.scores[f"{name}:{key(gold[hit])}"].tp += 1
            elif key is not None:
                report.scores[f"{name}:{key(p)}"].fp += 1
        for i, g in enumerate(gold):
            if i not in used:
                report.scores[name].fn += 1
                if key is not None:
                    report.scores[f"{name}:{key(g)}"].fn += 1


def score_quotes(examples: Iterable[dict] | None = None, nlp=None) -> Report:
    """Quote detection (``span``) and speaker attribution (``speaker``, ``speaker+verb``), with
    the rows :func:`newsflow.quotes.quote_rows` gives on the spaCy pipeline's entities."""
    from newsflow.entities import entity_rows, load_nlp

    examples = list(examples if examples is not None else load(QUOTES_SETS["real-dev"]))
    nlp = nlp or load_nlp()
    report = Report()
    for ex, doc in zip(examples, nlp.pipe(ex["text"] for ex in examples), strict=True):
        pred = quote_rows(ex["id"], ex["text"], doc._.sentences, entity_rows(ex["id"], doc))
        gold = ex["quotes"]
        _tally(report, ["span"], pred, gold, lambda p, g: True)
        _tally(report, ["speaker"], pred, gold, same_speaker, key=lambda q: q.get("speaker_label") or "none")
        _tally(report, ["speaker+verb"], pred, gold, lambda p, g: same_speaker(p, g) and p["verb"] == g.get("verb"))
        report.errors += _quote_errors(ex, pred, gold)
    return report


def _quote_errors(ex: dict, pred: list[dict], gold: list[dict]) -> list[dict]:
    """Gold quotes without a prediction that overlaps and names the same speaker, with what was
    predicted there (for reading the dev set's misses)."""
    out = []
    for g in gold:
        near = [p for p in pred if _overlap((p["start"], p["end"]), _span(g))]
        if not any(same_speaker(p, g) for p in near):
            out.append({"id": ex["id"], "text": g["text"][:60], "gold": (g.get("speaker"), g.get("speaker_canonical")),
                        "pred": [(p["speaker"], p["speaker_canonical"]) for p in near]})
    return out


def _published(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _dates_equal(p: dict, g: dict) -> bool:
    def as_date(v: object) -> date | None:
        return date.fromisoformat(v) if isinstance(v, str) else v  # type: ignore[return-value]

    return p["start_date"] == as_date(g.get("start_date")) and p["end_date"] == as_date(g.get("end_date"))


def score_dates(examples: Iterable[dict] | None = None) -> Report:
    """Date detection (``span``) and resolution (``resolved``: both ends right), overall and per
    gold granularity, with :func:`newsflow.dates.date_rows` anchored at each item's published_at."""
    report = Report()
    for ex in examples if examples is not None else load(DATES_SETS["real-dev"]):
        text = ex["text"]
        pred = date_rows(ex["id"], text, segment(text), _published(ex.get("published_at")))
        gold = ex["dates"]
        _tally(report, ["span"], pred, gold, lambda p, g: True)
        _tally(report, ["resolved"], pred, gold, _dates_equal, key=lambda d: d.get("granularity") or "none")
        for g in gold:
            if not any(_overlap((p["start"], p["end"]), _span(g)) and _dates_equal(p, g) for p in pred):
                report.errors.append({"id": ex["id"], "text": g["text"], "gold": (g.get("start_date"), g.get("end_date")),
                                      "pred": [(p["text"], str(p["start_date"]), str(p["end_date"])) for p in pred
                                               if _overlap((p["start"], p["end"]), _span(g))]})
    return report
