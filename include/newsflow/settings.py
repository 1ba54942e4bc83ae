"""All configuration in one place: defaults, overridable by ``NEWSFLOW_*`` environment variables.

Reading the environment at call time (not import time) lets tests and Airflow tasks change
settings without reloading modules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLES_DIR = PACKAGE_DIR / "samples"
DEFAULT_SOURCES_FILE = PACKAGE_DIR / "sources.default.yaml"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"NEWSFLOW_{name}", default)


@dataclass(frozen=True)
class Settings:
    data_dir: str = "data"  # a folder, or a URL such as s3://bucket/prefix (see NEWSFLOW_STORAGE_OPTIONS)
    sources: tuple[str, ...] = (str(SAMPLES_DIR),)
    sources_file: str = str(DEFAULT_SOURCES_FILE)  # used unless NEWSFLOW_SOURCES lists paths
    batch_size: int = 50
    spacy_model: str = "en_core_web_sm"
    nlp_batch_size: int = 32
    schedule: str = "@hourly"
    # Languages that go through the English NER and number extraction.
    nlp_languages: tuple[str, ...] = ("en",)
    max_input_bytes: int = 20_000_000
    # Texts shorter than this are not articles (an empty page's "Home" link, a stub).
    min_words: int = 5
    # Longer cleaned texts are quarantined (spaCy's own limit is 1,000,000 characters).
    max_article_chars: int = 1_000_000

    @classmethod
    def from_env(cls) -> Settings:
        sources = _env("SOURCES", "")
        return cls(
            data_dir=_env("DATA_DIR", "data"),
            sources=tuple(s for s in sources.split(os.pathsep) if s) or (str(SAMPLES_DIR),),
            sources_file=_env("SOURCES_FILE", "" if sources else str(DEFAULT_SOURCES_FILE)),
            batch_size=int(_env("BATCH_SIZE", "50")),
            spacy_model=_env("SPACY_MODEL", "en_core_web_sm"),
            nlp_batch_size=int(_env("NLP_BATCH_SIZE", "32")),
            schedule=_env("SCHEDULE", "@hourly"),
            nlp_languages=tuple(_env("NLP_LANGUAGES", "en").split(",")),
            max_input_bytes=int(_env("MAX_INPUT_BYTES", "20000000")),
            min_words=int(_env("MIN_WORDS", "5")),
            max_article_chars=int(_env("MAX_ARTICLE_CHARS", "1000000")),
        )


def get_settings() -> Settings:
    return Settings.from_env()
