"""Shared test setup: an isolated Airflow home and SQLite DB, small realistic fixtures, and the
helpers many test files need (the repository root, the installed ``newsflow`` command, one
pipeline run over local files or over a sources file).

Airflow reads its configuration when first imported, so the environment is set here, before
any test module imports it. Test modules import the helpers: ``from tests.conftest import run``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEWSFLOW = str(Path(sys.executable).with_name("newsflow"))  # the command line, as users call it
T0 = datetime(2026, 11, 28, 10, tzinfo=UTC)  # the default interval start of test runs
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="newsflow-airflow-"))
os.environ.update({
    "AIRFLOW_HOME": str(_AIRFLOW_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
    "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME}/airflow.db",
    "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),  # random per test session, never a fixed one
    "GX_ANALYTICS_ENABLED": "False",
    "XDG_CACHE_HOME": str(_AIRFLOW_HOME / "cache"),  # the geo index cache: never the user's own
})
for var in [v for v in os.environ if v.startswith("NEWSFLOW_")]:
    del os.environ[var]

from hypothesis import settings as hypothesis_settings  # noqa: E402

from newsflow.settings import SAMPLES_DIR, Settings  # noqa: E402

# Property-based tests: a small budget in `make test` (CI), a long one on demand and in `make bench`
# (HYPOTHESIS_PROFILE=long). derandomize: CI runs are reproducible; the long profile explores.
hypothesis_settings.register_profile("ci", max_examples=150, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("long", max_examples=5000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEED = SAMPLES_DIR / "000_f9789ab62cedf289.txt"
FIXTURES = ROOT / "tests" / "fixtures"


def run(lake, paths: Sequence[Path | str], when: datetime = T0, settings: Settings | None = None) -> dict[str, Any]:
    """One whole run, in this process, over local files or folders (what ``newsflow process``
    does), keyed by the interval starting at ``when``; returns the run's manifest."""
    from newsflow import pipeline
    from newsflow.runs import RunInfo

    settings = settings or Settings(batch_size=4)
    return pipeline.run_all(lake, RunInfo.for_interval(when), settings,
                            pipeline.local_fetchers([str(p) for p in paths], settings))


def run_sources(lake, sources_file: Path | str, when: datetime, client_factory: Callable | None = None,
                settings: Settings | None = None) -> dict[str, Any]:
    """One whole run over the sources of a sources file (what ``newsflow run`` does)."""
    from newsflow import pipeline
    from newsflow.runs import RunInfo

    r = RunInfo.for_interval(when)
    fetchers, ctx = pipeline.configured_fetchers(str(sources_file), lake, r, client_factory=client_factory)
    return pipeline.run_all(lake, r, settings or Settings(batch_size=5), fetchers, ctx=ctx)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_AIRFLOW_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp():
    from newsflow.entities import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata DB for dag.test()."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, timeout=300)
    return _AIRFLOW_HOME


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("NEWSFLOW_DATA_DIR", str(d))
    return d


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_s3(command: list[str], port: int, bucket: str):
    """A moto S3 server started by ``command`` on 127.0.0.1:``port``, waited for (bounded), with
    ``bucket`` created; yields the lake's storage options and stops the server afterwards."""
    import socket
    import time

    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto server did not start")
        import boto3

        boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                     region_name="us-east-1").create_bucket(Bucket=bucket)
        yield {"endpoint_url": endpoint, "key": "testing", "secret": "testing",
               "client_kwargs": {"region_name": "us-east-1"}}
    finally:
        server.terminate()
        server.wait(timeout=10)
