"""One writer at a time per lake: a lease recorded at ``<root>/_state/writer.lock``.

Why a lease and not an OS lock: in Airflow a run's steps are separate tasks, possibly in
separate processes on separate workers, with gaps between them, and the mapped tasks of one run
run in parallel. So the lock belongs to a *holder token* (``news_pipeline/<run_id>`` for a DAG
run; a token unique to the process for the CLI, ``compact`` and the rollup), not to a process,
and it expires unless renewed, so a writer that died cannot block the lake for ever.

The record is JSON: ``{holder, host, pid, pidns, pid_bound, acquired_at, expires_at, ttl, nonce}``.

* Local lakes: the record is created with ``O_CREAT|O_EXCL``, and every check-then-write happens
  under an ``flock`` on a side file (``writer.lock.guard``), held only for that instant, so two
  writers taking over the same expired lease cannot both win.
* S3: conditional writes arbitrate: ``If-None-Match: *`` creates the record only if absent,
  ``If-Match: <etag read>`` replaces or deletes it only if nobody changed it since it was read.

Expiry compares wall clocks, so hosts sharing a lake must keep them in sync (NTP) to well within
the TTL. A record marked ``pid_bound`` (one process holds it for its whole life: the CLI,
maintenance) is stale as soon as that process is gone, when it ran on this host.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

LOCK_FILE = "_state/writer.lock"
MAINTENANCE_WAIT = 300.0  # seconds compact and the rollup wait for a running writer to finish
_RACE_RETRIES = 10  # a lost conditional write re-reads at once: the winner may be gone, or be us

Record = dict[str, Any]


def default_ttl() -> float:
    """The lease length (``NEWSFLOW_LOCK_TTL``): long enough to span the gaps between one run's tasks."""
    from newsflow.settings import get_settings

    return get_settings().lock_ttl


def process_holder(kind: str) -> str:
    """A holder token unique to this process (``cli``, ``compact``, ``rollup``), never reused."""
    return f"{kind}/{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _now() -> datetime:
    return datetime.now(UTC)


def _when(text: Any) -> str:
    try:
        return datetime.fromisoformat(str(text)).isoformat(timespec="seconds")
    except ValueError:
        return "?"


class LakeLocked(RuntimeError):
    """Another writer holds the lake's write lock (and the bounded wait, if any, ran out)."""

    def __init__(self, record: Record, where: str):
        self.record, self.where = record, where
        r = record
        super().__init__(
            f"another writer ({r.get('holder', '?')}, pid {r.get('pid', '?')} on host {r.get('host', '?')}, "
            f"since {_when(r.get('acquired_at'))}) holds the lake's write lock until "
            f"{_when(r.get('expires_at'))}; wait, or if that writer is dead remove {where}")

    def __reduce__(self) -> tuple[type, tuple[Record, str]]:  # picklable: crosses process boundaries
        return type(self), (self.record, self.where)


class LockLost(RuntimeError):
    """Our lease lapsed and another writer took the lock (or took and released it) meanwhile.

    What this holder read of the lake may be out of date, so it must start again, never publish.
    """


# -- storage: a record that can be created, replaced and deleted only if unchanged ----------------
class _Store(Protocol):
    where: str

    def critical(self) -> contextlib.AbstractContextManager[None]: ...
    def read(self) -> tuple[Record | None, Any]: ...
    def create(self, data: bytes) -> bool: ...
    def replace(self, data: bytes, tag: Any) -> bool: ...
    def delete(self, tag: Any) -> bool: ...


def _parse(data: bytes) -> Record:
    """A record; an unreadable one (a writer killed mid-create) reads as ``corrupt``: stale."""
    try:
        record = json.loads(data)
        if isinstance(record, dict) and "holder" in record:
            return record
    except ValueError:
        pass
    return {"holder": "?", "corrupt": True}


class _LocalStore:
    """A file; its tag is its bytes, and all changes happen under an flock on a guard file."""

    def __init__(self, path: Path):
        self.path, self.where = path, str(path)
        self.guard = path.with_name(path.name + ".guard")

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.guard, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # per open file: threads of one process exclude too
            yield
        finally:
            os.close(fd)  # releases the flock

    def _bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def read(self) -> tuple[Record | None, Any]:
        data = self._bytes()
        return (None, None) if data is None else (_parse(data), data)

    def create(self, data: bytes) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return True

    def replace(self, data: bytes, tag: Any) -> bool:
        if self._bytes() != tag:
            return False
        tmp = self.path.with_name(f".{self.path.name}.tmp-{uuid.uuid4().hex}")
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        return True

    def delete(self, tag: Any) -> bool:
        if self._bytes() != tag:
            return False
        self.path.unlink(missing_ok=True)
        return True


def _precondition_failed(error: BaseException) -> bool:
    """s3fs turns a 412 into FileExistsError/OSError(EINVAL); the botocore error is the cause."""
    for e in (error, error.__cause__):
        code = (getattr(e, "response", None) or {}).get("Error", {}).get("Code")
        if code in {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}:
            return True
    return False


class _S3Store:
    """An S3 object; its tag is its ETag, and changes are conditional writes on it."""

    def __init__(self, path: Any):
        self.fs, self.where = path.fs, str(path)
        self.bucket, self.key, _ = self.fs.split_path(path.path)

    def critical(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()  # S3 arbitrates each write by itself

    def read(self) -> tuple[Record | None, Any]:
        from fsspec.asyn import sync

        async def get() -> tuple[bytes, str]:  # body and ETag of one GET: a consistent pair
            resp = await self.fs._call_s3("get_object", Bucket=self.bucket, Key=self.key)
            async with resp["Body"] as body:
                return await body.read(), resp["ETag"]

        try:
            data, etag = sync(self.fs.loop, get)
        except FileNotFoundError:
            return None, None
        return _parse(data), etag

    def _call(self, method: str, **kwargs: Any) -> bool:
        try:
            self.fs.call_s3(method, Bucket=self.bucket, Key=self.key, **kwargs)
        except FileNotFoundError:
            return False
        except OSError as e:
            if _precondition_failed(e):
                return False
            raise
        finally:
            self.fs.invalidate_cache(f"{self.bucket}/{self.key}")
        return True

    def create(self, data: bytes) -> bool:
        return self._call("put_object", Body=data, ContentType="application/json", IfNoneMatch="*")

    def replace(self, data: bytes, tag: Any) -> bool:
        return self._call("put_object", Body=data, ContentType="application/json", IfMatch=tag)

    def delete(self, tag: Any) -> bool:
        return self._call("delete_object", IfMatch=tag)


def _store_for(path: Path) -> _Store:
    if type(path).__module__.startswith("pathlib"):
        return _LocalStore(path)
    protocol = path.fs.protocol
    if {"s3", "s3a"} & set(protocol if isinstance(protocol, tuple | list) else [protocol]):
        return _S3Store(path)
    raise NotImplementedError(f"the lake's write lock needs atomic conditional writes; {path} is on "
                              f"{protocol!r}, supported are local folders and s3://")


# -- liveness --------------------------------------------------------------------------------------
def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def _pid_dead(record: Record) -> bool:
    """True only when a pid-bound record's process ran here (same host and pid namespace) and is gone."""
    if not record.get("pid_bound") or record.get("host") != socket.gethostname():
        return False
    if record.get("pidns", "") != _pid_namespace():
        return False
    try:
        pid = int(record["pid"])
        if pid <= 0:
            return False
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, KeyError, TypeError, ValueError):  # PermissionError: alive, another user's
        return False
    return False


def _expired(record: Record, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(record["expires_at"]) <= now
    except (KeyError, TypeError, ValueError):
        return True


# -- the lock ----------------------------------------------------------------------------------------
class WriterLock:
    """The lake's write lease for one holder token.

    ``acquire`` takes it when free, expired or already ours (renewing it), else polls up to
    ``wait`` seconds and raises :class:`LakeLocked`. ``refresh`` extends our lease or raises
    :class:`LockLost`; ``release`` gives it up only if it is ours. As a context manager it
    acquires and releases (a nested ``with`` of the same holder leaves the release to the outer
    one); ``hold()`` also renews it from a background thread while the block runs.
    """

    def __init__(self, root: Path, holder: str, ttl: float | None = None, wait: float = 0.0,
                 pid_bound: bool = False, poll: float = 0.5,
                 clock: Callable[[], datetime] = _now, sleep: Callable[[float], None] = time.sleep):
        self.store = _store_for(root / LOCK_FILE)
        self.holder, self.pid_bound = holder, pid_bound
        self.ttl = float(ttl) if ttl is not None else default_ttl()
        self.wait, self.poll = max(0.0, wait), poll
        self.clock, self.sleep = clock, sleep
        self.record: Record | None = None  # what we last wrote
        self._renewed = False  # whether the last acquire found the lease already ours
        self._pending: str | None = None  # nonce of the write in flight
        self._nested: list[bool] = []

    @property
    def where(self) -> str:
        return self.store.where

    def _new_record(self, now: datetime, previous: Record | None) -> Record:
        ours = previous is not None and previous.get("holder") == self.holder and not previous.get("corrupt")
        return {"holder": self.holder, "host": socket.gethostname(), "pid": os.getpid(),
                "pidns": _pid_namespace(),
                # a nested user of a process's lock (rollup inside the CLI's) keeps it process-bound
                "pid_bound": bool(previous.get("pid_bound")) if ours else self.pid_bound,
                "acquired_at": previous.get("acquired_at", now.isoformat()) if ours else now.isoformat(),
                "expires_at": (now + timedelta(seconds=self.ttl)).isoformat(),
                "ttl": self.ttl, "nonce": uuid.uuid4().hex}

    def _stale(self, record: Record, now: datetime) -> str | None:
        if record.get("corrupt"):
            return "its record is unreadable"
        if _expired(record, now):
            return f"its lease expired at {_when(record.get('expires_at'))}"
        if _pid_dead(record):
            return f"its process {record.get('pid')} on this host is gone"
        return None

    def _write(self, new: Record, current: Record | None, tag: Any) -> bool:
        data = json.dumps(new, indent=2).encode()
        self._pending = new["nonce"]
        ok = self.store.create(data) if current is None else self.store.replace(data, tag)
        if ok:
            self.record = new
        return ok

    def _try_take(self) -> Record | None:
        """One attempt: None when the lease is ours now, else the record of whoever holds it."""
        current: Record | None = None
        self._pending = None
        for _ in range(_RACE_RETRIES):
            with self.store.critical():
                current, tag = self.store.read()
                if current is not None and self._pending and current.get("nonce") == self._pending:
                    self.record = current  # our write landed though it reported failure (a retried PUT)
                    return None
                now = self.clock()
                ours = current is not None and current.get("holder") == self.holder
                if current is not None and not ours:
                    reason = self._stale(current, now)
                    if reason is None:
                        return current
                    log.warning("taking over the lake's write lock from %s: %s", current.get("holder"), reason)
                self._renewed = ours
                if self._write(self._new_record(now, current), current, tag):
                    return None
        return current or {"holder": "?"}

    def acquire(self) -> Record:
        """Take (or renew) the lease; wait up to ``wait`` seconds for another holder's to end."""
        slept, start, announced = 0.0, time.monotonic(), False
        while (blocker := self._try_take()) is not None:
            waited = max(slept, time.monotonic() - start)
            if waited >= self.wait:
                raise LakeLocked(blocker, self.where)
            if not announced:
                log.warning("%s; waiting up to %.0fs for it", LakeLocked(blocker, self.where), self.wait)
                announced = True
            pause = min(self.poll, self.wait - waited)
            self.sleep(pause)
            slept += pause
        assert self.record is not None
        return self.record

    def refresh(self) -> Record:
        """Extend our lease by ``ttl`` from now; :class:`LockLost` if it is no longer ours."""
        for _ in range(_RACE_RETRIES):
            with self.store.critical():
                current, tag = self.store.read()
                if current is None or current.get("holder") != self.holder:
                    by = f"{current.get('holder')} holds it now" if current else "nobody holds it now"
                    raise LockLost(f"{self.holder} lost the lake's write lock ({by}): the lake may have "
                                   "changed since this writer read it; start the run again")
                if self._write(self._new_record(self.clock(), current), current, tag):
                    return self.record  # type: ignore[return-value]
        raise LockLost(f"{self.holder} could not renew the lake's write lock: too many concurrent changes")

    def release(self) -> bool:
        """Give the lease up if it is ours; another holder's lock is never removed."""
        for _ in range(_RACE_RETRIES):
            with self.store.critical():
                current, tag = self.store.read()
                if current is None or current.get("holder") != self.holder:
                    return False
                if self.store.delete(tag):
                    self.record = None
                    return True
        return False

    def holder_record(self) -> Record | None:
        """The record as stored now (whoever holds it), for status displays."""
        with self.store.critical():
            return self.store.read()[0]

    def __enter__(self) -> WriterLock:
        self.acquire()
        self._nested.append(self._renewed)
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._nested.pop():
            self.release()

    @contextlib.contextmanager
    def heartbeat(self, interval: float | None = None) -> Iterator[WriterLock]:
        """Renew the lease every ``ttl/3`` seconds from a thread while a long step runs.

        Raises :class:`LockLost` at the end of a block that completed if the lease was lost.
        """
        stop, lost = threading.Event(), []
        every = interval if interval is not None else self.ttl / 3

        def beat() -> None:
            while not stop.wait(every):
                try:
                    self.refresh()
                except LockLost as e:
                    log.error("%s", e)
                    lost.append(e)
                    return
                except Exception:  # a transient storage error: the next beat retries
                    log.warning("could not renew the lake's write lock", exc_info=True)

        thread = threading.Thread(target=beat, name=f"lake-lock-heartbeat-{self.holder}", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
        if lost:
            raise lost[0]

    @contextlib.contextmanager
    def hold(self) -> Iterator[WriterLock]:
        """Acquire, keep renewing while the block runs, release at the end."""
        with self, self.heartbeat():
            yield self
