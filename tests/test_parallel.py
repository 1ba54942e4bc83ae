"""Batches processed on several worker processes land exactly what one process lands, and the
steps that do not validate never import Great Expectations (issue 12)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import timedelta

import pyarrow.parquet as pq
import pytest

from newsflow import pipeline
from newsflow.lake import Lake
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import ROOT, T0, run

pytestmark = pytest.mark.slow

CONTENT = {  # what must not depend on how many processes did the work
    "articles": ["article_id", "version", "text", "language", "word_count"],
    "sentences": ["article_id", "sentence_index", "start", "end", "text"],
    "entities": ["article_id", "start", "end", "text", "label", "canonical"],
    "numbers": ["article_id", "start", "end", "text", "value", "unit"],
    "quotes": ["article_id", "start", "end", "speaker", "verb"],
    "dates": ["article_id", "start", "end", "start_date", "end_date"],
}


def _landed(lake: Lake, table: str) -> list[tuple]:
    rows = pq.ParquetDataset(lake.table_files(table)).read(columns=CONTENT[table]).to_pylist()
    return sorted(tuple(str(r[c]) for c in CONTENT[table]) for r in rows)


def test_two_workers_land_the_same_rows_as_one(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_ARTICLES", 1)  # the samples are a small run
    serial, parallel = Lake(tmp_path / "one"), Lake(tmp_path / "two")
    m1 = run(serial, [SAMPLES_DIR], settings=Settings(batch_size=3, workers=1))
    caplog.set_level(logging.INFO, logger="newsflow.pipeline")
    m2 = run(parallel, [SAMPLES_DIR], settings=Settings(batch_size=3, workers=2))
    assert any("on 2 worker processes" in r.getMessage() for r in caplog.records), "the pool did the work"
    assert m1["counts"] == m2["counts"] and m1["counts"]["articles"] >= 6
    for table in CONTENT:
        assert _landed(serial, table) == _landed(parallel, table), table


def test_the_workers_model_loads_while_a_big_run_stages_and_never_for_a_run_with_nothing_new(tmp_path, monkeypatch):
    """The forkserver the workers fork from is started as soon as staging has found enough new
    articles for a parallel run (so the model loads while the rest is staged); a rerun that finds
    nothing new, or a one-worker run, never starts it."""
    calls: list[int] = []
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_ARTICLES", 2)
    monkeypatch.setattr(pipeline, "warm_worker_server", lambda: calls.append(1))
    monkeypatch.setattr(pipeline, "process_batches", lambda *a, **k: [])  # staging is what is tested
    class Staged(Exception):
        pass

    def stop(lake, run):
        raise Staged

    monkeypatch.setattr(pipeline, "validate_run", stop)
    lake = Lake(tmp_path / "lake")
    for workers, expected in ((1, []), (2, [1])):
        calls.clear()
        with pytest.raises(Staged):
            run(Lake(tmp_path / f"w{workers}"), [SAMPLES_DIR], settings=Settings(batch_size=3, workers=workers))
        assert calls == expected, workers
    monkeypatch.undo()
    run(lake, [SAMPLES_DIR], settings=Settings(batch_size=3, workers=1))  # lands everything
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_ARTICLES", 2)
    monkeypatch.setattr(pipeline, "warm_worker_server", lambda: calls.append(1))
    calls.clear()
    later = run(lake, [SAMPLES_DIR], when=T0 + timedelta(hours=1), settings=Settings(batch_size=3, workers=2))
    assert later["counts"]["articles"] == 0 and calls == []


def test_a_parallel_run_ends_in_half_size_batches_and_a_small_run_keeps_whole_ones(tmp_path, monkeypatch):
    """The batch layout follows what process_batches will do: half-size last batches only when
    the run will have several workers (a run under MIN_PARALLEL_ARTICLES stays in one process)."""
    sizes: dict[int, list[int]] = {}
    monkeypatch.setattr(pipeline, "process_batches", lambda *a, **k: [])
    real_write = pipeline.staging.write_batches

    def spy(lake, area, fresh, batch_size, workers=1):
        sizes[len(sizes)] = [len(fresh), workers]
        return real_write(lake, area, fresh, batch_size, workers)

    monkeypatch.setattr(pipeline.staging, "write_batches", spy)
    monkeypatch.setattr(pipeline, "validate_run", lambda lake, run: (_ for _ in ()).throw(RuntimeError("staged")))
    for i, minimum in enumerate((1, 10_000)):
        monkeypatch.setattr(pipeline, "MIN_PARALLEL_ARTICLES", minimum)
        with pytest.raises(RuntimeError, match="staged"):
            run(Lake(tmp_path / f"l{i}"), [SAMPLES_DIR], settings=Settings(batch_size=3, workers=2))
    assert sizes[0][1] == 2 and sizes[1][1] == 1, sizes  # parallel: tapered; small: whole batches


def test_small_runs_stay_in_one_process_and_workers_never_outnumber_batches():
    settings = Settings(workers=8)
    assert pipeline.worker_count(settings, batches=40, articles=pipeline.MIN_PARALLEL_ARTICLES - 1) == 1
    assert pipeline.worker_count(settings, batches=3, articles=1000) == 3
    assert pipeline.worker_count(Settings(workers=1), batches=40, articles=1000) == 1
    assert pipeline.worker_count(Settings(workers=0), batches=40, articles=1000) == min(pipeline.usable_cores(), 40)
    assert 1 <= pipeline.usable_cores() <= (os.cpu_count() or 1)


STEPS_SCRIPT = """
import sys
from datetime import datetime, UTC
from newsflow import pipeline
from newsflow.lake import Lake
from newsflow.runs import RunInfo
from newsflow.settings import SAMPLES_DIR, Settings

lake, settings = Lake(sys.argv[1]), Settings(batch_size=4)
run = RunInfo.for_interval(datetime.fromisoformat(sys.argv[2]))
fetched = pipeline.fetch_and_stage(lake, run, settings, pipeline.local_fetchers([str(SAMPLES_DIR)], settings))
for batch in fetched["batches"]:
    pipeline.process_staged_batch(lake, run, settings, batch)
print("fetch-and-process", "great_expectations" in sys.modules, "airflow" in sys.modules)
summary = pipeline.validate_run(lake, run)
manifest = pipeline.publish(lake, run, summary)
print("validate", "great_expectations" in sys.modules, manifest["counts"]["articles"])
"""


def _steps(data, when: str) -> list[list[str]]:
    out = subprocess.run([sys.executable, "-c", STEPS_SCRIPT, str(data), when], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return [line.split() for line in out.stdout.splitlines()]


def test_only_validation_imports_great_expectations_and_an_interval_with_nothing_new_skips_it(tmp_path):
    first = _steps(tmp_path / "data", "2026-11-28T10:00:00+00:00")
    assert first[0] == ["fetch-and-process", "False", "False"]  # fetch, stage and process: no GX, no Airflow
    assert first[1][:2] == ["validate", "True"] and int(first[1][2]) >= 6
    again = _steps(tmp_path / "data", "2026-11-28T11:00:00+00:00")  # the next interval: all landed
    assert again[1] == ["validate", "False", "0"]
    manifests = Lake(tmp_path / "data").manifests()
    assert len(manifests) == 2 and sorted(m["counts"]["articles"] for m in manifests)[0] == 0  # recorded
    empty = next(m for m in manifests if m["counts"]["articles"] == 0)
    assert empty["data_docs"] is None, "no GX validation, so no Data Docs link to a page that is not there"


def test_the_worker_preload_loads_the_model_and_the_place_index_once(tmp_path):
    """What a forked worker starts with: importing newsflow.preload (as the forkserver does)
    leaves the model and the place index loaded, so workers never load them again."""
    script = ("import newsflow.preload\n"
              "from newsflow import entities, geo\n"
              "print(entities.load_nlp.cache_info().currsize, geo.index.cache_info().currsize)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["1", "1"], out.stderr[-2000:]
    assert "preload failed" not in out.stderr
