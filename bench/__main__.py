"""`make bench`: every benchmark in turn, then the figures the issue asks for, in one block.

    .venv/bin/python -m bench [--quick]

--quick runs small sizes (a check that every script still works, not figures to quote).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

from bench.common import ROOT

FULL = [
    ["bench.queue_scaling"],
    ["bench.summary_scaling"],
    ["bench.pdf"],
    ["bench.page_weight"],
    ["bench.load"],
]
QUICK = [
    ["bench.queue_scaling", "--small", "200", "--large", "1000", "--repeat", "2"],
    ["bench.summary_scaling", "--runs", "1", "--db", "sqlite"],
    ["bench.pdf", "--runs", "1", "--seconds", "4"],
    ["bench.page_weight"],
    ["bench.load", "--pairs", "1", "--seconds", "5", "--users", "4"],
]
LAST = ("queue_ratio", "queue_queries", "summary_ratio", "summary_queries", "pdf_ratio",
        "load_ratio", "load_failures", "page_kb_max")
FIGURE = re.compile(r"^([a-z_]+): (\S+)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    found: dict[str, str] = {}
    for command in QUICK if args.quick else FULL:
        print(f"\n== {' '.join(command)}", flush=True)
        process = subprocess.Popen([sys.executable, "-m", *command], cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for line in process.stdout:
            print(line, end="", flush=True)
            match = FIGURE.match(line.strip())
            if match:
                found[match.group(1)] = match.group(2)
        if process.wait() != 0:
            raise SystemExit(f"{command[0]} failed")
    print()
    for name in LAST:
        print(f"{name}: {found.get(name, 'missing')}")


if __name__ == "__main__":
    main()
