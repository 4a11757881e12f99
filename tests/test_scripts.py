"""The benchmarks still run (small sizes): a figure nobody can reproduce is no figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: The benchmarks name their own database: the same on any suite database.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "args", "expect"),
    [
        ("bench.summary_scaling", ["--runs", "1", "--db", "sqlite"], "summary_ratio: "),
        ("bench.queue_scaling", ["--small", "100", "--large", "300", "--repeat", "1",
                                 "--db", "sqlite"], "queue_queries: "),
    ],
)
def test_benchmark_prints_its_figures(module, args, expect):
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert expect in result.stdout, result.stdout[-2000:]
