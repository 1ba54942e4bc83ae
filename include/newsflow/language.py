"""Language identification: what the text is written in, and whether we are sure.

The language decides whether an article goes through the English NER and number extraction,
so the costly mistake is throwing English away. The rule (:func:`detect_language`):

1. a **confident** detection wins, whatever the source says: a German article from a feed
   declared English stays out of the English models;
2. otherwise (a headline, a results brief, a one-line feed summary, no letters at all) the
   source's ``language`` hint is used, else the default (``NEWSFLOW_DEFAULT_LANGUAGE``, "en").

So a text from a source declared English is never ``"und"``; only an unsure text with neither
hint nor default is.

Detector: py3langid 0.4.0 (BSD-3-Clause; naive Bayes over byte n-grams; its 4.6 MB model ships
in the wheel, nothing is downloaded at run time), restricted to the languages that have an
ISO 639-1 code, the codes the ``language`` column stores. Its probabilities are tempered by
text length, so one threshold serves a headline and an article. Chosen over
lingua-language-detector 2.1.1 by ``bench/bench_language.py`` (2026-11-30, a 2-CPU machine
shared with other jobs, so times are ranges over runs). Threshold 0.7 for both; no source hint,
default "en"; dev = bench/data/language_short.jsonl (904 English, 216 non-English real feed
headlines, summaries, headline+line, single sentences), held-out = evaldata/real_language.jsonl
(163 English, 64 non-English; labelled independently, not used for any choice):

                        load    RSS    µs a short  words/s on  English to NER /
                        s       MB     text        articles    non-English kept out
                                                               dev            held-out
  py3langid (chosen)    0.5-1.6 133    90-360      80k-310k    100.0 / 94.0 %  100.0 / 90.6 %
  lingua, high accuracy 8-21    930    2000-5000   11k-34k      99.9 / 93.5 %  100.0 / 92.2 %
  lingua, low accuracy  0.3-1.4 85-95  750-4500    9k-36k       95.4 / 97.7 %   95.1 / 96.9 %
  stop words (before)   0.01    16     50-140      0.5M-1M      71.2 / 99.5 %   87.7 / 100 %

(the stop-word detector "kept out" by answering "und", which also skipped its unsure English.)
With each source's declared language as the hint, py3langid and lingua's accurate mode keep
100 % of non-English out on both sets. Lingua's accurate mode is no more accurate on short news
text, and would cost 8-21 s and 0.9 GB in every Celery worker process (its wheel is 96 MB);
its fast mode sends 5 % of short English elsewhere ("Penn State 67, Notre Dame 59" is French,
"Slack (NASDAQ:WORK) CFO Sells $19407875.75 in Stock" Swedish). py3langid is as accurate as the
best, loads in about a second and, reading the first 1,000 characters, adds 2-6 % to the
pipeline's time (about 5k words/s).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

UNDETERMINED = "und"
# Below this probability a guess is not evidence enough to overrule the source's hint. Chosen on
# bench/data/language_short.jsonl (the held-out set was not looked at) for English first: at
# 0.7 no English text is sent elsewhere, headlines of three words included ("Enhancing quantum
# sensing" is Latin at 0.63), and 94 % of short non-English texts are still kept out with no
# hint at all (100 % with their source's hint); 0.5 would keep out 97 % but lose that headline.
MIN_CONFIDENCE = 0.7
# The detector is a pure-Python automaton: on 16 long real feed articles and the 12 samples,
# reading the whole text ran at 6.6k words/s, as slow as the rest of the pipeline together; the
# first 1,000 characters ran at 195k words/s and gave the same answer for every text, each with
# probability > 0.999. So only the start of a text is read.
SAMPLE_CHARS = 1000


@dataclass(frozen=True)
class Detection:
    """The decided language, and whether the text itself was evidence enough for it."""

    language: str  # ISO 639-1 code, or "und"
    confident: bool  # True: the detector was sure; False: hint or default was used
    guess: str = UNDETERMINED  # the detector's best guess, sure or not (for diagnostics)
    probability: float = 0.0  # the detector's probability for that guess


def iso639_1(code: str | None) -> str | None:
    """The two-letter code of "en-GB", "EN_us" or " de "; None for anything else (so a bad
    hint is ignored, not stored)."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if len(code) == 2 and code.isalpha() and code.isascii() else None


@cache
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process (about a second: it is decompressed from the wheel)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # Three-letter labels (pcm, ext, ...) cannot go in the column and mostly catch English
    # headlines (Nigerian Pidgin); "zxx" means no language at all.
    identifier.set_languages([c for c in identifier.labels if iso639_1(c) == c])
    return identifier


def guess_language(text: str) -> tuple[str, float]:
    """The detector's best ISO 639-1 guess for ``text`` and its probability (0.0 if no letters)."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    code, probability = _identifier().classify(sample)
    return code, float(probability)


def _default_language() -> str:
    from newsflow.settings import get_settings

    return get_settings().default_language


def detect_language(text: str, hint: str | None = None, default: str | None = None) -> Detection:
    """The language of ``text``: a confident detection, else ``hint``, else ``default``.

    ``hint`` is the source's declared language (any case, "en-GB" works); ``default`` is
    used when there is no hint and the text is too short or mixed to be sure; ``None`` means
    ``NEWSFLOW_DEFAULT_LANGUAGE`` ("en"). Never raises on any string.
    """
    return decide(*guess_language(text), hint=hint, default=default)


def decide(guess: str, probability: float, hint: str | None = None, default: str | None = None,
           min_confidence: float = MIN_CONFIDENCE) -> Detection:
    """The rule of :func:`detect_language` on a detector's guess (apart, so the bench can
    judge other detectors by the same rule)."""
    if iso639_1(guess) == guess and probability >= min_confidence:
        return Detection(guess, True, guess, probability)
    fallback = iso639_1(hint) or iso639_1(default if default is not None else _default_language())
    return Detection(fallback or UNDETERMINED, False, guess, probability)
