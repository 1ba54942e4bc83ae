"""Language identification from the text itself, by function-word frequency.

Small and dependency-free: news articles are long enough that the share of each language's
commonest words separates the major European languages reliably. Returns ``"und"`` when the
evidence is too thin, so a wrong guess never sends text through the wrong model.
"""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS = {
    "en": "the of and to in a is that for on with as was by at from it he said his are be has have not an this which but were they their",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach",
    "fr": "de la le et les des en un du une que est pour qui dans par sur au pas avec il ne se sont ce plus elle été",
    "es": "de la que el en y los del se las por un para con no una su al es lo como más pero sus le ha fue este",
    "it": "di che il la e per un in del non è una della sono con si le da gli al alla dei più anche ha ma",
    "pt": "de que o a e do da em um para com não uma os no se na por mais as dos como mas foi ao ele das",
    "nl": "de van het een en in is dat op te zijn met voor niet aan er door ook als bij die werd naar",
    "sv": "och i att det som en på är av för med till den har de inte om ett var men sig så",
    "pl": "i w na z że się nie do to jest o jak po co ale przez za od jego dla tak",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena ada oleh",
}
_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SCRIPTS = [
    (re.compile(r"[\u4e00-\u9fff]"), "zh"), (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"), (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"), (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0900-\u097f]"), "hi"), (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
]


def detect_language(text: str, min_words: int = 8) -> str:
    """ISO 639-1 code of the text's language, or "und" when unsure."""
    sample = text[:5000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    for rx, lang in _SCRIPTS:
        if len(rx.findall(sample)) > letters * 0.3:
            return lang
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < min_words:
        return "und"
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in s) / len(words) for lang, s in _SETS.items()}
    best, second = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:2]
    if best[1] < 0.12 or best[1] < second[1] * 1.3:
        return "und"
    return best[0]
