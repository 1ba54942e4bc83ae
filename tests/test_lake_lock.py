"""The lake's one-writer lock: real concurrent OS processes contend for it, locally and on S3.

The S3 tests run against moto's server on loopback, serving one request at a time: real S3
applies each conditional write atomically, while moto's threaded server checks the condition
and stores the object in two steps that concurrent requests can interleave.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow.lake import Lake
from newsflow.lock import LOCK_FILE, LakeLocked, LockLost, WriterLock
from newsflow.maintenance import compact
from newsflow.rollup import build
from tests.conftest import free_port, moto_s3

# One contender: waits for the go file, then acquires, holds, releases; reports as JSON lines.
CONTENDER = r"""
import json, logging, os, sys, time
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
from newsflow.lake import Lake
from newsflow.lock import LakeLocked
root, holder, go = sys.argv[1:4]
wait, hold, rounds, poll = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
counter = sys.argv[8] if len(sys.argv) > 8 else None
lock = Lake(root).writer_lock(holder, ttl=60, wait=wait, pid_bound=True)
lock.poll = poll
lock.holder_record()  # connect before the start: the contenders then really race
print(json.dumps({"ready": True}), flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
for _ in range(rounds):
    t0 = time.time()
    try:
        lock.acquire()
    except LakeLocked as e:
        print(json.dumps({"won": False, "error": str(e), "at": time.time(), "after": time.time() - t0}), flush=True)
        sys.exit(3)
    print(json.dumps({"won": True, "at": time.time(), "after": time.time() - t0}), flush=True)
    if counter:  # a read-modify-write that loses updates unless the lock excludes
        n = int(open(counter).read())
        time.sleep(0.005)
        open(counter, "w").write(str(n + 1))
    time.sleep(hold)
    released = time.time()
    assert lock.release()
    print(json.dumps({"released": released}), flush=True)
"""

BLOCKER = r"""
import sys, time
from newsflow.lake import Lake
Lake(sys.argv[1]).writer_lock(sys.argv[2], ttl=600, pid_bound=sys.argv[3] == "1").acquire()
print("held", flush=True)
time.sleep(600)
"""


def _env(storage_options: dict | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    if storage_options:
        env["NEWSFLOW_STORAGE_OPTIONS"] = json.dumps(storage_options)
    return env


def contend(root: str, go: Path, holders: list[str], wait: float, hold: float, rounds: int = 1,
            poll: float = 0.05, counter: Path | None = None, storage_options: dict | None = None):
    """Start one process per holder, release them together, return {holder: (reports, stderr)}."""
    procs = {}
    for h in holders:
        args = [sys.executable, "-c", CONTENDER, root, h, str(go), str(wait), str(hold), str(rounds), str(poll)]
        procs[h] = subprocess.Popen(args + ([str(counter)] if counter else []), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=_env(storage_options))
    try:
        for p in procs.values():  # both imported and waiting: the start is simultaneous
            assert json.loads(p.stdout.readline()) == {"ready": True}, p.stderr.read()
        go.touch()
        out = {}
        for h, p in procs.items():
            stdout, stderr = p.communicate(timeout=120)
            out[h] = ([json.loads(line) for line in stdout.splitlines()], stderr)
        return out
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()


def check_fail_fast(root: str, tmp_path: Path, lock_where: str, storage_options: dict | None = None):
    out = contend(root, tmp_path / "go", ["cli/a", "cli/b"], wait=0, hold=2.0, storage_options=storage_options)
    winners = [h for h, (reports, _) in out.items() if reports[0]["won"]]
    assert len(winners) == 1, out
    (loser,) = set(out) - set(winners)
    error = out[loser][0][0]["error"]
    assert error.startswith(f"another writer ({winners[0]}, pid ")
    assert " on host " in error and " holds the lake's write lock until " in error
    assert error.endswith(f"; wait, or if that writer is dead remove {lock_where}")
    assert out[loser][0][0]["at"] < out[winners[0]][0][1]["released"]  # failed while the winner held it
    assert out[loser][0][0]["after"] < 1.5  # fast: no waiting


def check_bounded_wait(root: str, tmp_path: Path, storage_options: dict | None = None):
    out = contend(root, tmp_path / "go", ["cli/a", "cli/b"], wait=30, hold=1.5, storage_options=storage_options)
    firsts = sorted((reports[0]["at"], h) for h, (reports, _) in out.items())
    (_, first), (second_at, second) = firsts
    assert second_at >= out[first][0][1]["released"]  # the waiter got it only after the release
    assert "waiting up to 30s" in out[second][1] and f"another writer ({first}" in out[second][1]


def check_mutual_exclusion(root: str, tmp_path: Path, n: int, rounds: int,
                           storage_options: dict | None = None):
    counter = tmp_path / "counter"
    counter.write_text("0")
    holders = [f"cli/{i}" for i in range(n)]
    out = contend(root, tmp_path / "go", holders, wait=60, hold=0, rounds=rounds, poll=0.01,
                  counter=counter, storage_options=storage_options)
    assert all(sum(r.get("won", False) for r in reports) == rounds for reports, _ in out.values()), out
    assert int(counter.read_text()) == n * rounds


# -- local ---------------------------------------------------------------------------------------
@pytest.mark.slow  # processes contending for the lock
def test_two_processes_one_wins_the_other_fails_fast(tmp_path):
    root = tmp_path / "lake"
    check_fail_fast(str(root), tmp_path, str(root / LOCK_FILE))
    assert not (root / LOCK_FILE).exists()


@pytest.mark.slow  # processes contending for the lock
def test_a_second_process_waits_bounded_and_gets_the_lock_after_the_release(tmp_path):
    check_bounded_wait(str(tmp_path / "lake"), tmp_path)


@pytest.mark.slow  # processes contending for the lock
def test_processes_taking_turns_never_overlap(tmp_path):
    check_mutual_exclusion(str(tmp_path / "lake"), tmp_path, n=4, rounds=15)


class FakeClock:
    def __init__(self):
        self.now = datetime(2026, 11, 28, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_same_holder_reenters_and_renews_and_nested_with_keeps_it(tmp_path):
    clock = FakeClock()
    lock = WriterLock(tmp_path, "news_pipeline/r1", ttl=60, clock=clock)
    first = lock.acquire()
    clock.now += timedelta(seconds=30)
    # another task of the same run (another process: another WriterLock object) re-enters
    again = WriterLock(tmp_path, "news_pipeline/r1", ttl=60, clock=clock)
    second = again.acquire()
    assert second["acquired_at"] == first["acquired_at"] and second["expires_at"] > first["expires_at"]
    with again:  # already held: the nested block must not release the run's lease
        pass
    assert lock.holder_record()["holder"] == "news_pipeline/r1"
    with pytest.raises(LakeLocked, match="news_pipeline/r1"), WriterLock(tmp_path, "cli/x", ttl=60, clock=clock):
        pass


def test_release_by_a_non_holder_does_nothing(tmp_path):
    WriterLock(tmp_path, "cli/a", ttl=60).acquire()
    assert WriterLock(tmp_path, "cli/b", ttl=60).release() is False
    assert WriterLock(tmp_path, "cli/a", ttl=60).holder_record()["holder"] == "cli/a"
    assert WriterLock(tmp_path, "cli/a", ttl=60).release() is True
    assert not (tmp_path / LOCK_FILE).exists()
    assert WriterLock(tmp_path, "cli/a", ttl=60).release() is False  # nothing to release


def test_an_expired_lease_is_taken_over_and_its_holder_learns_it_lost_it(tmp_path):
    clock = FakeClock()
    dag = WriterLock(tmp_path, "news_pipeline/r1", ttl=60, clock=clock)
    dag.acquire()
    cli = WriterLock(tmp_path, "cli/b", ttl=60, clock=clock)
    with pytest.raises(LakeLocked, match=r"news_pipeline/r1.*until 2026-11-28T09:01:00\+00:00") as e:
        cli.acquire()
    assert str(pickle.loads(pickle.dumps(e.value))) == str(e.value)  # survives a trip between processes
    clock.now += timedelta(seconds=61)
    assert cli.acquire()["holder"] == "cli/b"
    with pytest.raises(LockLost, match="cli/b holds it now"):
        dag.refresh()  # the run's next task must not publish what it read before
    assert dag.release() is False and cli.holder_record()["holder"] == "cli/b"


def _take(lock: WriterLock, barrier: threading.Barrier, won: list, lost: list) -> None:
    barrier.wait()
    try:
        won.append(lock.acquire()["holder"])
    except LakeLocked:
        lost.append(lock.holder)


def race_for_an_expired_lease(root: Path, trials: int, n: int) -> None:
    """n threads, each its own lock object, take over the same expired lease at once: one wins."""
    for trial in range(trials):
        clock = FakeClock()
        WriterLock(root, f"news_pipeline/dead-{trial}", ttl=60, clock=clock).acquire()
        clock.now += timedelta(hours=1)
        barrier, won, lost = threading.Barrier(n), [], []
        locks = [WriterLock(root, f"cli/{trial}-{i}", ttl=60, clock=clock) for i in range(n)]
        threads = [threading.Thread(target=_take, args=(lock, barrier, won, lost)) for lock in locks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1 and len(lost) == n - 1, (trial, won)
        assert WriterLock(root, won[0], clock=clock).release()


def test_takers_of_an_expired_lease_race_and_one_wins(tmp_path):
    race_for_an_expired_lease(tmp_path, trials=30, n=8)


def test_an_expired_own_lease_nobody_took_is_renewed(tmp_path):
    clock = FakeClock()
    dag = WriterLock(tmp_path, "news_pipeline/r1", ttl=60, clock=clock)
    dag.acquire()
    clock.now += timedelta(hours=1)
    assert dag.refresh()["expires_at"] == (clock.now + timedelta(seconds=60)).isoformat()


def test_bounded_wait_with_injected_clock(tmp_path, caplog):
    clock = FakeClock()
    WriterLock(tmp_path, "cli/a", ttl=600, clock=clock).acquire()
    waiter = WriterLock(tmp_path, "cli/b", ttl=600, wait=120, poll=10, clock=clock, sleep=clock.sleep)
    with pytest.raises(LakeLocked):
        waiter.acquire()
    assert clock.now == datetime(2026, 11, 28, 9, 2, tzinfo=UTC)  # gave up after 120 s of waiting
    assert "waiting up to 120s" in caplog.text
    clock.now = datetime(2026, 11, 28, 9, 5, tzinfo=UTC)
    patient = WriterLock(tmp_path, "cli/c", ttl=600, wait=900, poll=60, clock=clock, sleep=clock.sleep)
    assert patient.acquire()["holder"] == "cli/c"  # waited until the lease expired at 09:10
    assert clock.now == datetime(2026, 11, 28, 9, 10, tzinfo=UTC)


def _blocker(root: Path, holder: str, pid_bound: bool) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", BLOCKER, str(root), holder, "1" if pid_bound else "0"],
                         stdout=subprocess.PIPE, text=True, env=_env())
    assert p.stdout.readline().strip() == "held"
    return p


@pytest.mark.slow  # processes contending for the lock
def test_a_killed_cli_lock_is_taken_over_at_once_but_a_dag_lease_waits_for_its_expiry(tmp_path):
    cli = _blocker(tmp_path, "cli/dead", pid_bound=True)
    with pytest.raises(LakeLocked, match="cli/dead"):
        WriterLock(tmp_path, "cli/b").acquire()  # alive: held
    cli.send_signal(signal.SIGKILL)
    cli.wait()
    assert WriterLock(tmp_path, "cli/b", ttl=600).acquire()["holder"] == "cli/b"
    assert WriterLock(tmp_path, "cli/b").release()

    # a DAG run's pid is only whichever task refreshed last: its death frees nothing
    task = _blocker(tmp_path, "news_pipeline/r1", pid_bound=False)
    task.send_signal(signal.SIGKILL)
    task.wait()
    with pytest.raises(LakeLocked, match="news_pipeline/r1"):
        WriterLock(tmp_path, "cli/b").acquire()


def test_an_unreadable_record_is_stale(tmp_path):
    (tmp_path / "_state").mkdir()
    (tmp_path / LOCK_FILE).write_bytes(b"")  # a writer killed between create and write
    assert WriterLock(tmp_path, "cli/a").acquire()["holder"] == "cli/a"


def test_the_heartbeat_keeps_a_lease_alive_past_its_ttl(tmp_path):
    lock = WriterLock(tmp_path, "cli/a", ttl=1.0)
    with lock.hold():
        first = lock.holder_record()["expires_at"]
        time.sleep(2.5)
        with pytest.raises(LakeLocked):
            WriterLock(tmp_path, "cli/b", ttl=1.0).acquire()
        assert lock.holder_record()["expires_at"] > first
    assert not (tmp_path / LOCK_FILE).exists()  # released, and the thread stopped
    assert not [t for t in threading.enumerate() if t.name.startswith("lake-lock-heartbeat")]


def test_the_heartbeat_reports_a_lost_lease(tmp_path):
    clock = FakeClock()
    lock = WriterLock(tmp_path, "news_pipeline/r1", ttl=0.3, clock=clock)
    lock.acquire()
    clock.now += timedelta(seconds=1)
    WriterLock(tmp_path, "cli/b", ttl=600, clock=clock).acquire()
    with pytest.raises(LockLost), lock.heartbeat(interval=0.05):
        time.sleep(0.3)


def test_compact_and_rollup_take_the_lock_and_give_it_back(tmp_path):
    lake = Lake(tmp_path / "lake")
    other = lake.writer_lock("news_pipeline/r1", ttl=600)
    other.acquire()
    with pytest.raises(LakeLocked, match="news_pipeline/r1"):
        compact(lake, before=datetime(2026, 11, 22).date(), lock_wait=0)
    with pytest.raises(LakeLocked, match="news_pipeline/r1"):
        build(lake, lock_wait=0)
    other.release()
    assert compact(lake, before=datetime(2026, 11, 22).date(), lock_wait=0) == {}
    build(lake, lock_wait=0)
    assert not (tmp_path / "lake" / LOCK_FILE).exists()

    # inside a writer's own lock: renewed, and still held afterwards
    with lake.writer_lock("cli/1-abc", pid_bound=True) as mine:
        build(lake, lock_wait=0, holder=mine.holder)
        compact(lake, before=datetime(2026, 11, 22).date(), lock_wait=0, holder=mine.holder)
        assert mine.holder_record()["holder"] == "cli/1-abc" and mine.holder_record()["pid_bound"]
    assert not (tmp_path / "lake" / LOCK_FILE).exists()


def test_clean_stale_staging_removes_old_crashed_runs_only(tmp_path):
    lake = Lake(tmp_path)
    old = time.time() - 3 * 86400
    for run in ("crashed", "current", "recent", "mixed"):
        (tmp_path / "_staging" / run / "raw").mkdir(parents=True)
        (tmp_path / "_staging" / run / "raw" / "batch.parquet").write_bytes(b"x")
    for run in ("crashed", "current", "mixed"):
        os.utime(tmp_path / "_staging" / run / "raw" / "batch.parquet", (old, old))
    (tmp_path / "_staging" / "mixed" / "new.json").write_text("{}")  # newest file is fresh
    assert lake.clean_stale_staging(keep=("current",)) == ["crashed"]
    assert sorted(p.name for p in (tmp_path / "_staging").iterdir()) == ["current", "mixed", "recent"]


# -- S3 ------------------------------------------------------------------------------------------
SERIAL_MOTO = """
import sys
from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False,
           request_handler=MotoRequestHandler)
"""


@pytest.fixture(scope="module")
def s3():
    """moto's S3 on 127.0.0.1, one request at a time (see the module docstring), with a bucket."""
    port = free_port()
    with moto_s3([sys.executable, "-c", SERIAL_MOTO, str(port)], port, "newsflow-lock") as options:
        yield options


def s3_root(request) -> str:
    return f"s3://newsflow-lock/{request.node.name}"


@pytest.mark.slow  # S3 with a moto server
def test_s3_two_processes_one_wins_the_other_fails_fast(s3, tmp_path, request):
    root = s3_root(request)
    check_fail_fast(root, tmp_path, f"{root}/{LOCK_FILE}", storage_options=s3)
    assert not Lake(root, storage_options=s3).path(LOCK_FILE).exists()


@pytest.mark.slow  # S3 with a moto server
def test_s3_a_second_process_waits_bounded(s3, tmp_path, request):
    check_bounded_wait(s3_root(request), tmp_path, storage_options=s3)


@pytest.mark.slow  # S3 with a moto server
def test_s3_processes_taking_turns_never_overlap(s3, tmp_path, request):
    check_mutual_exclusion(s3_root(request), tmp_path, n=3, rounds=8, storage_options=s3)


@pytest.mark.slow  # S3 with a moto server
def test_s3_expiry_takeover_release_and_lost_lease(s3, request):
    lake = Lake(s3_root(request), storage_options=s3)
    clock = FakeClock()
    dag = WriterLock(lake.root, "news_pipeline/r1", ttl=60, clock=clock)
    dag.acquire()
    assert WriterLock(lake.root, "news_pipeline/r1", ttl=60, clock=clock).acquire()["holder"] == "news_pipeline/r1"
    cli = WriterLock(lake.root, "cli/b", ttl=60, clock=clock)
    with pytest.raises(LakeLocked, match=r"news_pipeline/r1.*remove s3://newsflow-lock/"):
        cli.acquire()
    assert cli.release() is False
    clock.now += timedelta(seconds=61)
    assert cli.acquire()["holder"] == "cli/b"
    with pytest.raises(LockLost):
        dag.refresh()
    assert dag.release() is False
    assert cli.release() is True and cli.holder_record() is None


@pytest.mark.slow  # S3 with a moto server
def test_s3_a_stale_read_cannot_overwrite_a_newer_record(s3, request):
    """Two takers of the same expired lease: the second one's If-Match is on an old ETag."""
    lake = Lake(s3_root(request), storage_options=s3)
    clock = FakeClock()
    WriterLock(lake.root, "news_pipeline/r1", ttl=60, clock=clock).acquire()
    clock.now += timedelta(seconds=61)
    a, b = (WriterLock(lake.root, h, ttl=60, clock=clock) for h in ("cli/a", "cli/b"))
    stale, etag = b.store.read()
    assert stale["holder"] == "news_pipeline/r1"
    a.acquire()
    assert b.store.replace(b"{}", etag) is False and b.store.delete(etag) is False
    assert b.store.create(b"{}") is False
    with pytest.raises(LakeLocked, match="cli/a"):
        b.acquire()


@pytest.mark.slow  # S3 with a moto server
def test_s3_takers_of_an_expired_lease_race_and_one_wins(s3, request):
    race_for_an_expired_lease(Lake(s3_root(request), storage_options=s3).root, trials=5, n=4)


@pytest.mark.slow  # S3 with a moto server
def test_s3_clean_stale_staging(s3, request):
    lake = Lake(s3_root(request), storage_options=s3)
    for run in ("crashed", "current"):
        lake.path(f"_staging/{run}/raw/batch.parquet").write_bytes(b"x")
    assert lake.clean_stale_staging(now=datetime.now(UTC) + timedelta(hours=1)) == []
    assert lake.clean_stale_staging(keep=("current",), now=datetime.now(UTC) + timedelta(days=2)) == ["crashed"]
    assert [p.name for p in lake.path("_staging").iterdir()] == ["current"]
