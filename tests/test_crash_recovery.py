"""SIGKILL at every step of a run: the lake stays readable and consistent, and the next run
repairs it, with no row lost or duplicated."""

import os
import shutil
import signal
import subprocess
from datetime import UTC, datetime

import duckdb
import pytest

from newsflow import pipeline
from newsflow.lake import Lake
from newsflow.runs import RunInfo
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import NEWSFLOW

pytestmark = pytest.mark.slow  # the CLI in subprocesses, killed at every crash point
TABLES = ("articles", "sentences", "entities", "numbers", "quarantine", "duplicates", "validation_results")
INPUTS = [SAMPLES_DIR / "000_f9789ab62cedf289.txt", SAMPLES_DIR / "001_sample_ecb_rates.txt",
          SAMPLES_DIR / "009_sample_wire.jsonl"]
# Every step boundary, both sides of the commit point, and inside the publish moves
# (7 tables and the Data Docs folder: first, middle, last).
POINTS = ["fetch", "process", "validate", "publish:before-journal", "publish:after-journal",
          "publish:move:0", "publish:move:3", "publish:move:7"]


def process(out, run_id, crash_at=None):
    env = {**os.environ, "NEWSFLOW_BATCH_SIZE": "2"}
    if crash_at:
        env["NEWSFLOW_CRASH_AT"] = crash_at
    return subprocess.run([NEWSFLOW, "process", *map(str, INPUTS), "--out", str(out), "--run-id", run_id],
                          capture_output=True, text=True, timeout=300, env=env)


def rerun_in_process(out, run_id):
    """The repairing run, in this process (the model is already loaded here: faster)."""
    settings = Settings(batch_size=2)
    run = RunInfo.for_cli(run_id, datetime.now(UTC))
    return pipeline.run_all(Lake(out), run, settings, pipeline.local_fetchers([str(p) for p in INPUTS], settings))


def snapshot(root):
    """Rows per table and, per run id, which tables hold a file of it."""
    con = duckdb.connect()
    counts, runs = {}, {}
    for t in TABLES:
        files = sorted((root / t).glob("ingest_date=*/part-*.parquet"))
        for f in files:
            runs.setdefault(f.stem.removeprefix("part-"), set()).add(t)
        counts[t] = con.execute(f"select count(*) from read_parquet('{root}/{t}/*/*.parquet')").fetchall()[0][0] \
            if files else 0
    return counts, runs


@pytest.fixture(scope="module")
def reference_lake(tmp_path_factory):
    """A lake after one finished run; a clean rerun of the same run leaves it as it is."""
    data = tmp_path_factory.mktemp("reference") / "data"
    assert process(data, "first").returncode == 0
    base = snapshot(data)
    rerun_in_process(data, "first")
    assert snapshot(data) == base
    return data, base


@pytest.fixture
def reference(reference_lake):
    return reference_lake[1]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_then_rerun(tmp_path, reference_lake, point):
    data = tmp_path / "data"
    shutil.copytree(reference_lake[0], data)
    reference = before = reference_lake[1]

    crashed = process(data, "first", crash_at=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr

    # Readable right away: every file is a whole Parquet file.
    counts, runs = snapshot(data)
    if point.startswith("publish:move") or point == "publish:after-journal":
        # committed but unfinished: the next reader or run finishes the publish
        assert list((data / "_journal").glob("*.json"))
    else:
        assert (counts, runs) == before, "nothing changes before the commit point"

    rerun_in_process(data, "first")
    assert snapshot(data) == reference
    assert not list((data / "_journal").glob("*.json"))
    assert all(len(tables) == len(TABLES) for tables in snapshot(data)[1].values())


def test_query_finishes_an_interrupted_publish(tmp_path, reference):
    data = tmp_path / "data"
    assert process(data, "first", crash_at="publish:move:2").returncode == -signal.SIGKILL
    assert list((data / "_journal").glob("*.json")), "committed, not finished"
    q = subprocess.run([NEWSFLOW, "query", "select count(*) as n from articles", "--data", str(data),
                        "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert q.returncode == 0 and q.stdout == f"n\n{reference[0]['articles']}\n"
    assert snapshot(data) == reference
