"""What the CLI's worker processes start with: imported once by the forkserver that
:func:`newsflow.pipeline.process_batches` forks its workers from.

Why a module with an import-time effect: ``multiprocessing``'s forkserver can only preload
modules by name. Importing this one loads the spaCy model named by the environment
(``NEWSFLOW_SPACY_MODEL``), the place index and the word lists of :mod:`newsflow.lexicon`, so every worker forked from the server has both
already (shared copy-on-write) instead of each loading them again: about 2 s of CPU per worker.
The forkserver is a fresh interpreter, never a fork of the CLI, so no lock, thread or open file
of the CLI reaches the workers. Any failure here is logged and ignored: a worker then loads what
it needs itself, as it would without the preload.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def _load() -> None:
    try:
        from newsflow import geo, pipeline  # noqa: F401  (what a worker imports to run a batch)
        from newsflow.entities import load_nlp
        from newsflow.lexicon import word_classes
        from newsflow.settings import Settings

        load_nlp(Settings.from_env().spacy_model)
        geo.index()
        word_classes()  # the counted-noun scanner's WordNet lists
        gc.freeze()  # out of the collector's reach: forked workers then share these pages longer
    except Exception as exc:  # the workers load it themselves
        log.warning("worker preload failed, each worker loads the model itself: %s: %s", type(exc).__name__, exc)


_load()
