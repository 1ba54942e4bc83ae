"""One writer per lake, enforced by the lake: two `newsflow process` at once never land the same
articles twice, whatever their run ids (real processes, the real CLI)."""

import os
import subprocess
import time

import duckdb
import pytest

from newsflow.lake import Lake
from newsflow.settings import SAMPLES_DIR
from tests.conftest import NEWSFLOW

pytestmark = pytest.mark.slow


def start(out, run_id, wait):
    env = {**os.environ, "NEWSFLOW_LOCK_WAIT": str(wait)}
    return subprocess.Popen([NEWSFLOW, "process", str(SAMPLES_DIR), "--out", str(out), "--run-id", run_id],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def landed(out):
    return duckdb.connect().execute(
        f"select count(*), count(distinct article_id) from read_parquet('{out}/articles/*/*.parquet')").fetchone()


def test_a_second_writer_fails_fast_with_the_holder_named(tmp_path):
    out = tmp_path / "data"
    with Lake(out).writer_lock("news_pipeline/manual__1", ttl=600).hold():
        p = start(out, "second", wait=0)
        _, err = p.communicate(timeout=300)
    assert p.returncode == 75
    assert err.count("\n") == 1 and "news_pipeline/manual__1" in err and "holds the lake's write lock" in err
    assert not list(out.glob("articles/*/*.parquet")) and not (out / "_staging" / "second").exists()


@pytest.mark.parametrize("second_id", ["other-run", "same-run"])
def test_writers_waiting_for_the_lock_land_each_article_once(tmp_path, second_id):
    out = tmp_path / "data"
    lock = Lake(out).writer_lock("test/holder", ttl=600)
    lock.acquire()
    try:
        first, second = start(out, "same-run", wait=240), start(out, second_id, wait=240)
        time.sleep(3)  # both are now waiting for the lock
        assert first.poll() is None and second.poll() is None
    finally:
        lock.release()
    results = [p.communicate(timeout=600) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], results
    rows, ids = landed(out)
    assert rows == ids > 10  # every article once: the later writer found them landed
    assert not (out / "_staging").exists() or not any((out / "_staging").iterdir())
    assert not (out / "_state" / "writer.lock").exists()
