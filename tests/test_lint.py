import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_ruff_clean():
    ruff = Path(sys.executable).with_name("ruff")
    p = subprocess.run([str(ruff), "check", "include", "dags", "plugins", "tests", "bench", "tools"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
