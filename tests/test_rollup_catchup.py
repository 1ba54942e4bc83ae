"""The rollup catches up from the lake: every day changed since its last run is rebuilt, whatever
events it was woken by (or missed while paused), and a run with nothing new rebuilds nothing."""

from datetime import UTC, date, datetime

import pytest

from newsflow import rollup
from newsflow.lake import Lake
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import run

DAY1, DAY2, DAY3 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def rollup_files(lake: Lake) -> dict[str, float]:
    """Each rollup file and when it was last written."""
    return {f"{t}/{p.parent.name}": p.stat().st_mtime_ns for t in rollup.ROLLUP_SQL for p in lake.table_files(t)}


def test_changed_days_from_manifests():
    """New and republished runs put their day up, a run that moved days puts up both, a run gone
    its old one; runs seen before put up nothing."""
    done = {"a": {"fingerprint": "1", "ingest_date": "2026-11-20"},
            "b": {"fingerprint": "2", "ingest_date": "2026-11-21"},
            "c": {"fingerprint": "3", "ingest_date": "2026-11-22"},
            "d": {"fingerprint": "4", "ingest_date": "2026-11-23"}}
    current = {"a": done["a"],  # unchanged
               "b": {"fingerprint": "2b", "ingest_date": "2026-11-21"},  # rerun
               "c": {"fingerprint": "3b", "ingest_date": "2026-11-24"},  # moved (a CLI --run-id reused later)
               "e": {"fingerprint": "5", "ingest_date": "2026-11-25"}}  # new; d is gone
    days, runs = rollup.changed_days(done, current)
    assert days == [date(2026, 11, d) for d in (21, 22, 23, 24, 25)]
    assert runs == ["b", "c", "d", "e"]
    assert rollup.changed_days(current, current) == ([], [])


@pytest.mark.slow  # whole pipeline runs
def test_one_rollup_catches_up_on_every_run_it_missed(tmp_path, monkeypatch):
    lake = Lake(tmp_path / "data")
    settings = Settings()
    run(lake, [SAMPLES_DIR / "001_sample_ecb_rates.txt"], at(DAY1), settings)
    first = rollup.catch_up(lake)  # no state yet: every landed day
    assert first["days"] == [DAY1.isoformat()] and first["rows"]["articles_daily"] == 1
    assert lake.read_json(lake.state_file("rollup"))["runs"].keys() == {"20261120T090000Z"}

    # two runs on two other days publish while the rollup sleeps (its DAG paused: no events seen)
    run(lake, [SAMPLES_DIR / "003_sample_quake.txt"], at(DAY2), settings)
    run(lake, [SAMPLES_DIR / "012_sample_vaccines.txt"], at(DAY3), settings)
    before = rollup_files(lake)
    caught = rollup.catch_up(lake)
    assert caught["days"] == [DAY2.isoformat(), DAY3.isoformat()]
    assert caught["runs"] == ["20261121T090000Z", "20261122T090000Z"]
    after = rollup_files(lake)
    assert {k for k in after if after[k] != before.get(k)} == {
        f"{t}/ingest_date={d}" for t in rollup.ROLLUP_SQL for d in (DAY2, DAY3)}, "day 1 was left alone"

    # nothing new: nothing rebuilt, no file touched
    idle = rollup.catch_up(lake)
    assert idle == {"days": [], "runs": [], "rows": dict.fromkeys(rollup.ROLLUP_SQL, 0)}
    assert rollup_files(lake) == after

    # a rerun of day 2's run republishes its manifest: day 2 again, only day 2
    run(lake, [SAMPLES_DIR / "003_sample_quake.txt"], at(DAY2), settings)
    assert rollup.catch_up(lake)["days"] == [DAY2.isoformat()]

    # a rollup that dies while rebuilding records nothing: the next one does the work again
    run(lake, [SAMPLES_DIR / "002_sample_rice_harvest.txt"], at(DAY3, 10), settings)

    def crash(*args, **kwargs):
        raise RuntimeError("killed mid-rebuild")

    with monkeypatch.context() as m:
        m.setattr(rollup, "_build", crash)
        with pytest.raises(RuntimeError, match="killed"):
            rollup.catch_up(lake)
    redo = rollup.catch_up(lake)
    assert redo["days"] == [DAY3.isoformat()] and redo["runs"] == ["20261122T100000Z"]
    assert redo["rows"]["articles_daily"] == 1  # one source that day, two articles
    assert rollup.catch_up(lake, rebuild_all=True)["days"] == [d.isoformat() for d in (DAY1, DAY2, DAY3)]


def test_a_new_run_with_nothing_new_rebuilds_no_day_but_a_rerun_emptied_does():
    done = {"a": {"fingerprint": "1", "ingest_date": "2026-11-20", "empty": False}}
    idle = {**done, "z": {"fingerprint": "9", "ingest_date": "2026-11-21", "empty": True}}  # an idle hour
    assert rollup.changed_days(done, idle) == ([], [])
    emptied = {"a": {"fingerprint": "1b", "ingest_date": "2026-11-20", "empty": True}}  # a rerun that lost rows
    assert rollup.changed_days(done, emptied) == ([date(2026, 11, 20)], ["a"])
