"""The mixed load over HTTP against a one-line route, alternated in the same run.

    .venv/bin/python -m bench.load [--pairs 3] [--seconds 10] [--users 10] [--workers 2]

gunicorn (the repository's settings, N workers) serves the app on PostgreSQL with Redis,
and, on another port, a one-line Flask route (bench/trivial.py). locust (headless, loopback
only, bounded in time) runs the mix of bench/locustfile.py against the app and a plain GET
against the route, in turns. It prints requests per second of each turn, p50 and p95 per
request type, failures, and ends with `load_ratio` (the median over the pairs of the mix's
requests per second over the route's; the goal is 0.5) and `load_failures`.
Rate limits are off for the run: every locust user comes from 127.0.0.1.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench.common import ROOT, database, figures, table
from extensions import db
from tests.conftest import make_test_app
from tests.factories import make_clinic, make_staff
from tests.servers import gunicorn
from tests.summary.builders import make_full_packet

LOCUSTFILE = str(ROOT / "bench" / "locustfile.py")
PASSWORD = "a long bench password"


def seed(url: str) -> list[int]:
    app = make_test_app(url)
    with app.app_context(), app.test_request_context("/"):
        db.create_all()
        clinic = make_clinic(slug="bench", name="Bench Clinic", require_totp=False,
                             open_start=True)
        make_staff(clinic, "desk@bench.example", password=PASSWORD)
        ids = [make_full_packet(clinic, days=30, per_day=1, questions=10, medications=5,
                                treatments=4, patient_name=f"Bench Patient {i}").id
               for i in range(10)]
        db.engine.dispose()
    return ids


def run_locust(host: str, classes: list[str], users: int, seconds: float, out: Path,
               env: dict[str, str]) -> dict[str, dict[str, str]]:
    prefix = out / uuid.uuid4().hex[:8]
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", LOCUSTFILE, "--headless", "--only-summary",
         "-u", str(users), "-r", str(users), "-t", f"{int(seconds)}s", "--host", host,
         "--csv", str(prefix), "--loglevel", "ERROR", *classes],
        cwd=ROOT, env={**os.environ, **env}, check=False, timeout=seconds + 60,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database("postgresql") as url:
        ids = seed(url)
        env = {"DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/15",
               "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex}", "RATELIMIT_ENABLED": "false",
               "VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": tmp}
        locust_env = {"BENCH_PACKET_IDS": ",".join(map(str, ids)),
                      "BENCH_STAFF": f"desk@bench.example:{PASSWORD}"}
        ratios, mix_stats, trivial_rps, mix_rps = [], [], [], []
        with gunicorn(env, workers=args.workers) as app_url, \
                gunicorn(env, workers=args.workers, app="bench.trivial:app",
                         ready_path="/") as trivial_url:
            for _ in range(args.pairs):
                trivial = run_locust(trivial_url, ["Trivial"], args.users, args.seconds,
                                     Path(tmp), locust_env)["Aggregated"]
                mix = run_locust(app_url, ["Patient", "Reception"], args.users, args.seconds,
                                 Path(tmp), locust_env)
                t_rps, m_rps = float(trivial["Requests/s"]), float(mix["Aggregated"]["Requests/s"])
                trivial_rps.append(t_rps)
                mix_rps.append(m_rps)
                ratios.append(m_rps / t_rps if t_rps else 0.0)
                mix_stats.append(mix)
    last = mix_stats[-1]
    rows = [[name, sum(int(m[name]["Request Count"]) for m in mix_stats if name in m),
             last[name]["50%"], last[name]["95%"],
             sum(int(m[name]["Failure Count"]) for m in mix_stats if name in m)]
            for name in sorted(last) if name != "Aggregated"]
    failures = sum(int(m["Aggregated"]["Failure Count"]) for m in mix_stats)
    print(f"{args.pairs} pairs of {args.seconds:.0f} s, {args.users} users, "
          f"{args.workers} gunicorn workers, PostgreSQL + Redis")
    print("requests/s, one-line route: " + ", ".join(f"{x:.0f}" for x in trivial_rps))
    print("requests/s, mixed load:     " + ", ".join(f"{x:.1f}" for x in mix_rps))
    table(["request (last pair)", "count (all)", "p50 ms", "p95 ms", "failures"], rows)
    figures(load_ratio=statistics.median(ratios), load_failures=failures)


if __name__ == "__main__":
    main()
