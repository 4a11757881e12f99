"""The mixed load over HTTP against a one-line route, alternated in the same run.

    .venv/bin/python -m bench.load [--pairs 3] [--seconds 10] [--users 10] [--workers 2]

gunicorn (the repository's settings, N workers) serves the app on PostgreSQL with Redis,
and, on another port, a one-line Flask route (bench/trivial.py). locust (headless, loopback
only, bounded in time) runs the mix of bench/locustfile.py against the app and a plain GET
against the route, in turns. It prints requests per second of each turn, p50 and p95 per
request type, failures, and ends with `load_ratio` (the median over the pairs of the mix's
requests per second over the route's; the goal is 0.5) and `load_failures`.
Rate limits are on, as in production, shared through Redis: each locust user sends its own
X-Forwarded-For (one trusted proxy hop), and the default per-address limit is raised so the
bench's tireless users are counted (the Redis round trip is paid) but not refused.
`--profile FILE` records the workers with py-spy during the last mixed turn and prints the
innermost library of each sample.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
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


def gunicorn_pid(base: str) -> int:
    """The gunicorn master listening on `base`'s port (py-spy follows its workers)."""
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True,
                         check=True).stdout
    pids = [int(p) for p in re.findall(r"pid=(\d+)", out)]
    parents = {pid: int(Path(f"/proc/{pid}/stat").read_text().split()[3]) for pid in pids}
    return next(pid for pid in pids if parents[pid] not in pids)


def workers_cpu(master: int) -> dict[int, float]:
    """CPU seconds (user + system) each of the master's worker processes has used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # fields[1] is the parent's pid
            used[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return used


def cpu_since(master: int, before: dict[int, float]) -> float:
    """CPU seconds the workers used since `before`; a worker started since counts whole."""
    return sum(t - before.get(pid, 0.0) for pid, t in workers_cpu(master).items())


#: The innermost frame's file decides where a sample's time goes.
PLACES = [
    ("database driver (psycopg)", ("psycopg/", "psycopg_pool")),
    ("SQLAlchemy ORM", ("sqlalchemy/orm/",)),
    ("SQLAlchemy core / engine", ("sqlalchemy/",)),
    ("Jinja and Babel", ("jinja2/", "babel/", "flask_babel/", "markupsafe/", "templates/")),
    ("WTForms and CSRF", ("wtforms/", "flask_wtf/", "csrf_guard")),
    ("rate limiting (limits, Redis)", ("flask_limiter/", "limits/", "redis/")),
    ("WeasyPrint and PDF", ("weasyprint/", "pydyf/", "fontTools/", "tinycss2/", "cssselect2/",
                            "pyphen/", "PIL/")),
    ("argon2 (logins)", ("argon2/",)),
    ("Werkzeug / Flask / gunicorn", ("werkzeug/", "flask/", "gunicorn/", "flask_login/")),
]
#: Inclusive shares: the sample has this function anywhere on its stack.
INCLUSIVE = [("patient-session check", "current_packet"), ("summary build", "build_summary"),
             ("Flask-Limiter", "flask_limiter/"), ("server-side session store", "web_session.py")]


def print_profile(path: str) -> None:
    places: dict[str, int] = {}
    inclusive = dict.fromkeys([label for label, _ in INCLUSIVE], 0)
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not count.isdigit() or "(gunicorn/arbiter.py)" in frames[-1]:
            continue
        n = int(count)
        total += n
        inner = frames[-1]
        place = next((label for label, marks in PLACES if any(m in inner for m in marks)),
                     "Python standard library and the app")
        places[place] = places.get(place, 0) + n
        for label, mark in INCLUSIVE:
            if mark in stack:
                inclusive[label] += n
    print(f"py-spy: {total} samples of the workers during the last mixed turn")
    table(["innermost library", "share"],
          [[k, f"{v / total:.1%}"] for k, v in sorted(places.items(), key=lambda kv: -kv[1])])
    table(["inclusive", "share"], [[k, f"{v / total:.1%}"] for k, v in inclusive.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", help="write a py-spy profile (collapsed stacks) here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database("postgresql") as url:
        ids = seed(url)
        env = {"DATABASE_URL": url, "REDIS_URL": "redis://127.0.0.1:6379/15",
               "RATELIMIT_KEY_PREFIX": f"bench-{uuid.uuid4().hex}", "RATELIMIT_ENABLED": "true",
               "RATELIMIT_DEFAULT": "100000 per minute", "TRUSTED_PROXIES": "1",
               "VISITPREP_ENV": "development", "VISITPREP_INSTANCE_DIR": tmp}
        locust_env = {"BENCH_PACKET_IDS": ",".join(map(str, ids)),
                      "BENCH_STAFF": f"desk@bench.example:{PASSWORD}"}
        ratios, mix_stats, trivial_rps, mix_rps = [], [], [], []
        cpu_ms: dict[str, list[float]] = {"mix": [], "trivial": []}
        with gunicorn(env, workers=args.workers) as app_url, \
                gunicorn(env, workers=args.workers, app="bench.trivial:app",
                         ready_path="/") as trivial_url:
            app_master, trivial_master = gunicorn_pid(app_url), gunicorn_pid(trivial_url)
            for n in range(args.pairs):
                used = workers_cpu(trivial_master)
                trivial = run_locust(trivial_url, ["Trivial"], args.users, args.seconds,
                                     Path(tmp), locust_env)["Aggregated"]
                cpu_ms["trivial"].append(cpu_since(trivial_master, used) * 1000
                                         / max(1, int(trivial["Request Count"])))
                used = workers_cpu(app_master)
                spy = None
                if args.profile and n == args.pairs - 1:
                    spy = subprocess.Popen(
                        [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses",
                         "--format", "raw", "--rate", "100", "-o", args.profile,
                         "-d", str(int(args.seconds)), "--pid", str(app_master)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                mix = run_locust(app_url, ["Patient", "Reception"], args.users, args.seconds,
                                 Path(tmp), locust_env)
                cpu_ms["mix"].append(cpu_since(app_master, used) * 1000
                                     / max(1, int(mix["Aggregated"]["Request Count"])))
                if spy is not None:
                    spy.wait(timeout=60)
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
    print("worker CPU ms a request, one-line route: "
          + ", ".join(f"{x:.2f}" for x in cpu_ms["trivial"]))
    print("worker CPU ms a request, mixed load:     "
          + ", ".join(f"{x:.1f}" for x in cpu_ms["mix"]))
    table(["request (last pair)", "count (all)", "p50 ms", "p95 ms", "failures"], rows)
    if args.profile:
        print_profile(args.profile)
    figures(load_ratio=statistics.median(ratios), load_failures=failures,
            load_cpu_ms=statistics.median(cpu_ms["mix"]),
            trivial_cpu_ms=statistics.median(cpu_ms["trivial"]))


if __name__ == "__main__":
    main()
