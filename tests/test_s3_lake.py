"""The same pipeline on an S3 lake: a real S3-compatible server (moto's server mode) on loopback."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsflow.lake import Lake
from newsflow.maintenance import validate_landed
from newsflow.query import connect
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import NEWSFLOW, free_port, moto_s3, run

pytestmark = pytest.mark.slow  # a moto S3 server, the pipeline and the CLI against it
INPUTS = [SAMPLES_DIR / "000_f9789ab62cedf289.txt", SAMPLES_DIR / "008_sample_housing.json"]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """moto_server on 127.0.0.1 with a bucket; storage options point the lake at it."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)]
    with moto_s3(command, port, "newsflow-test") as options:
        yield options


def test_pipeline_lands_validates_and_reruns_on_s3(s3):
    lake = Lake("s3://newsflow-test/lake", storage_options=s3)
    assert not lake.local
    when = datetime(2026, 11, 28, 9, tzinfo=UTC)
    m = run(lake, INPUTS, when, Settings(batch_size=1))
    assert m["counts"]["articles"] == 2 and m["counts"]["sentences"] >= 25
    files = sorted(str(p) for p in lake.root.glob("articles/ingest_date=*/*.parquet"))
    assert files == ["s3://newsflow-test/lake/articles/ingest_date=2026-11-28/part-20261128T090000Z.parquet"]
    assert (lake.root / "_docs" / m["run_id"] / "index.html").exists()
    assert not list(lake.root.glob("_staging/*/*")) and not list(lake.root.glob("_journal/*"))

    con = connect(lake.root)
    assert con.execute("SELECT count(*) FROM sentences").fetchall() == [(m["counts"]["sentences"],)]
    usd = con.execute("SELECT value FROM numbers WHERE unit = 'USD' AND qualifier = '~'").fetchall()
    assert usd == [(11e9,)]
    day = con.execute("SELECT DISTINCT ingest_date FROM articles").fetchall()
    assert str(day[0][0]) == "2026-11-28"

    # rerun of the same interval replaces, a later one skips what landed
    run(lake, INPUTS, when, Settings(batch_size=1))
    run(lake, INPUTS, datetime(2026, 11, 28, 10, tzinfo=UTC), Settings(batch_size=1))
    con = connect(lake.root)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(2,)]
    assert validate_landed(lake).critical_failures == []


def test_cli_against_s3(s3, tmp_path):
    import json

    env = {**os.environ, "NEWSFLOW_STORAGE_OPTIONS": json.dumps(s3)}
    p = subprocess.run([NEWSFLOW, "process", str(INPUTS[0]), "--out", "s3://newsflow-test/cli", "--run-id", "r1"],
                       capture_output=True, text=True, timeout=300, env=env)
    assert p.returncode == 0, p.stderr
    q = subprocess.run([NEWSFLOW, "query", "SELECT count(*) AS n FROM sentences", "--data", "s3://newsflow-test/cli",
                        "--format", "csv"], capture_output=True, text=True, timeout=120, env=env)
    assert q.stdout == "n\n19\n", q.stderr
