"""Crash points for testing recovery: ``NEWSFLOW_CRASH_AT=<point>`` kills the process there.

The pipeline calls :func:`crash_point` at each step boundary and between the file moves of a
publish. Unset (always, outside tests) it does nothing but read an environment variable.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("NEWSFLOW_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
