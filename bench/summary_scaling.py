"""The staff summary for symptom logs of 10, 90 and 365 entries: page, PDF, FHIR and CSV.

    .venv/bin/python -m bench.summary_scaling [--runs 3] [--db sqlite|postgresql]

One packet per size (one entry a day, 30 questions, 15 medicines, 8 treatments), a
receptionist logged in, and the median time of each staff request (wall clock, and CPU time of
this process: the app and SQLite's work, not other programs' load), the sizes taking turns. It ends with
`summary_ratio` (page, 365 entries over 10; goal at most 2; CPU time on SQLite, the wall clock
on PostgreSQL, as bench/queue_scaling.py explains), `pdf_ratio` (goal at most 3) and
`summary_queries` (SQL statements for the page, the most at any size: it should not grow).
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.common import backends, counting_queries, database, figures, table
from extensions import db
from services.pdf import warm_up
from tests.conftest import make_test_app
from tests.factories import make_clinic, make_staff
from tests.helpers import csrf_token
from tests.summary.builders import make_full_packet

SIZES = (10, 90, 365)
PASSWORD = "a long bench password"


def measure(url: str, runs: int) -> tuple[dict, dict, dict, dict]:
    app = make_test_app(url)
    with app.app_context(), app.test_request_context("/"):
        db.create_all()
        clinic = make_clinic(slug="bench", name="Bench Clinic", require_totp=False)
        make_staff(clinic, "desk@bench.example", password=PASSWORD)
        ids = {n: make_full_packet(clinic, days=n, per_day=1, questions=30, medications=15,
                                   treatments=8, patient_name=f"Bench {n}").id for n in SIZES}
        db.session.remove()
        engine = db.engine
    warm_up()
    client = app.test_client()
    client.post("/reception/login", data={"email": "desk@bench.example", "password": PASSWORD,
                                          "csrf_token": csrf_token(client, "/reception/login")})
    times, cpu, queries, sizes = {}, {}, {}, {}
    paths = {}
    for n, packet_id in ids.items():
        base = f"/reception/packets/{packet_id}"
        for kind, path in (("page", base), ("PDF", base + "/summary.pdf"),
                           ("FHIR", base + "/fhir.json"), ("CSV", base + "/log.csv")):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            sizes[kind, n] = len(response.data)
            paths[kind, n] = path
        with counting_queries(engine) as statements:
            client.get(base)
        queries[n] = len(statements)
    # The sizes take turns request by request, so the machine's load falls on all alike;
    # CPU time (this process: the app, and SQLite's work) does not count others' load.
    for kind in ("page", "PDF", "FHIR", "CSV"):
        rounds = runs * 3 if kind == "page" else runs
        for _ in range(rounds):
            for n in SIZES:
                wall, used = time.perf_counter(), time.process_time()
                client.get(paths[kind, n])
                times.setdefault((kind, n), []).append((time.perf_counter() - wall) * 1000)
                cpu.setdefault((kind, n), []).append((time.process_time() - used) * 1000)
    times = {k: statistics.median(v) for k, v in times.items()}
    cpu = {k: statistics.median(v) for k, v in cpu.items()}
    with app.app_context():
        db.engine.dispose()
    return times, cpu, queries, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    args = parser.parse_args()
    rows, page_ratios, pdf_ratios, all_queries = [], [], [], []
    for kind in backends(args.db):
        with database(kind) as url:
            times, cpu, queries, sizes = measure(url, args.runs)
        for what in ("page", "PDF", "FHIR", "CSV"):
            ratio = times[what, SIZES[-1]] / times[what, SIZES[0]]
            cpu_ratio = cpu[what, SIZES[-1]] / cpu[what, SIZES[0]]
            # As bench/queue_scaling.py: CPU time on SQLite (all the work is in this
            # process), the wall clock on PostgreSQL (part of it is in the server).
            (page_ratios if what == "page" else pdf_ratios if what == "PDF" else []).append(
                cpu_ratio if kind == "sqlite" else ratio)
            rows.append([kind, what, *(f"{times[what, n]:.1f}" for n in SIZES), f"{ratio:.2f}",
                         f"{cpu[what, SIZES[0]]:.1f} / {cpu[what, SIZES[-1]]:.1f}",
                         f"{cpu_ratio:.2f}",
                         f"{sizes[what, SIZES[-1]] // 1024}",
                         "/".join(str(queries[n]) for n in SIZES) if what == "page" else "-"])
        all_queries += queries.values()
    print(f"median ms of {args.runs} staff requests, log of 10 / 90 / 365 entries")
    table(["database", "what", "10 ms", "90 ms", "365 ms", "365/10", "CPU ms 10 / 365",
           "CPU 365/10", "KiB at 365", "queries"],
          rows)
    figures(summary_ratio=max(page_ratios), pdf_ratio=max(pdf_ratios),
            summary_queries=max(all_queries))


if __name__ == "__main__":
    main()
