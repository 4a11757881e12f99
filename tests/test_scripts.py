"""The benchmark scripts still run (small sizes): a figure nobody can reproduce is no figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("script", "args", "expect"),
    [
        ("bench_summary.py", ["--runs", "1"], "PDF"),
        ("bench_queue.py", ["--packets", "400", "--repeat", "1"], "ms"),
    ],
)
def test_benchmark_script_prints_figures(tmp_path, script, args, expect):
    result = subprocess.run(
        [sys.executable, f"scripts/{script}", *args, "--database-url",
         f"sqlite:///{tmp_path / 'bench.sqlite3'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert expect in result.stdout
