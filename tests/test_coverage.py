"""COVERAGE.md and the README's coverage table are what the rule registry says
(regenerate both with `python scripts/coverage.py`)."""

import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("scipy")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_coverage_tables_are_fresh():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "coverage.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
