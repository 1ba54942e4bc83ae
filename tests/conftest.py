"""Shared test setup: an isolated Airflow home and SQLite DB, and small realistic fixtures.

Airflow reads its configuration when first imported, so the environment is set here, before
any test module imports it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
})
for var in [v for v in os.environ if v.startswith("NEWSFLOW_")]:
    del os.environ[var]

from hypothesis import settings as hypothesis_settings  # noqa: E402

from newsflow.settings import SAMPLES_DIR  # noqa: E402

# Property-based tests: a small budget in `make test` (CI), a long one on demand and in `make bench`
# (HYPOTHESIS_PROFILE=long). derandomize: CI runs are reproducible; the long profile explores.
hypothesis_settings.register_profile("ci", max_examples=150, derandomize=True, print_blob=True)
hypothesis_settings.register_profile("long", max_examples=5000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SEED = SAMPLES_DIR / "000_f9789ab62cedf289.txt"
FIXTURES = ROOT / "tests" / "fixtures"


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
