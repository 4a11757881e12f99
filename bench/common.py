"""What every benchmark shares: timing, query counting, throw-away databases, the output.

Each script prints a table and ends with `name: value` lines; `make bench` collects the
summary lines at the end. Quote ratios measured in one run: these machines are noisy.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from tests.conftest import (  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
    postgres_available,
)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall-clock milliseconds of `repeat` calls (after one untimed warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextlib.contextmanager
def counting_queries(engine) -> Iterator[list[str]]:
    """Collect the SQL statements run on `engine` inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh empty database URL: a temporary SQLite file, or a new PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    url = create_postgres_database("visitprep_bench")
    try:
        yield url
    finally:
        drop_postgres_database(url)


def backends(wanted: str) -> list[str]:
    kinds = ["sqlite", "postgresql"] if wanted == "both" else [wanted]
    if "postgresql" in kinds and not postgres_available():
        print("(no PostgreSQL server: SQLite only)")
        kinds.remove("postgresql")
    return kinds


def table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                        enumerate(zip(row, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def figures(**values: object) -> None:
    """The closing `name: value` lines."""
    for name, value in values.items():
        if isinstance(value, float):
            value = f"{value:.2f}"
        print(f"{name}: {value}")
