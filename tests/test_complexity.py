"""`bin/complexity` (run by `make lint` and `make test`): no function above the limit outside migrations
and tests, and a too complex function is reported and fails the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bin" / "complexity"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_a_function_above_the_limit_fails_the_run_and_is_named():
    result = run("--limit", "3", "novator/core/backup/archive.py")
    assert result.returncode == 1
    assert "too complex: novator/core/backup/archive.py" in result.stdout


def test_the_code_is_within_the_limit():
    result = run()
    assert result.returncode == 0, result.stdout
