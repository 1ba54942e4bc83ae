"""Run identity: every output is keyed by the run's interval, never by wall-clock time.

A run key names the files a run lands, so re-running the same interval (or the same
``--run-id``) overwrites exactly those files instead of adding rows.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# How far past a run's logical time a date may lie and still be believed: processing leaves a
# later publication or update time null, and validation fails a published_at past it.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class RunInfo:
    run_id: str  # file-name-safe key
    logical_time: datetime  # interval start (or run_after); timezone-aware UTC

    @property
    def ingest_date(self) -> date:
        return self.logical_time.date()

    @classmethod
    def for_interval(cls, start: datetime) -> RunInfo:
        """Scheduled runs: the key is the interval start, so reruns hit the same files."""
        start = to_utc(start)
        return cls(run_id=start.strftime("%Y%m%dT%H%M%SZ"), logical_time=start)

    @classmethod
    def for_cli(cls, run_id: str | None, now: datetime) -> RunInfo:
        key = safe_key(run_id) if run_id else f"cli-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
        return cls(run_id=key, logical_time=to_utc(now))


def safe_key(run_id: str) -> str:
    key = _UNSAFE.sub("_", run_id).strip("_.")
    if not key:
        raise ValueError(f"run id {run_id!r} has no usable characters")
    return key[:120]


def to_utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
