"""The staff summary for symptom logs of 10, 90 and 365 entries: page, PDF, FHIR and CSV.

    .venv/bin/python -m bench.summary_scaling [--runs 3] [--db sqlite|postgresql]

One packet per size (one entry a day, 30 questions, 15 medicines, 8 treatments), a
receptionist logged in, and the median time of each staff request. It ends with
`summary_ratio` (page, 365 entries over 10; goal at most 2), `pdf_ratio` (goal at most 3) and
`summary_queries` (SQL statements for the page, the most at any size: it should not grow).
"""

from __future__ import annotations

import argparse

from bench.common import backends, counting_queries, database, figures, median_ms, table
from extensions import db
from services.pdf import warm_up
from tests.conftest import make_test_app
from tests.factories import make_clinic, make_staff
from tests.helpers import csrf_token
from tests.summary.builders import make_full_packet

SIZES = (10, 90, 365)
PASSWORD = "a long bench password"


def measure(url: str, runs: int) -> tuple[dict, dict, dict]:
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
    times, queries, sizes = {}, {}, {}
    for n, packet_id in ids.items():
        base = f"/reception/packets/{packet_id}"
        for kind, path in (("page", base), ("PDF", base + "/summary.pdf"),
                           ("FHIR", base + "/fhir.json"), ("CSV", base + "/log.csv")):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            sizes[kind, n] = len(response.data)
            times[kind, n] = median_ms(lambda p=path: client.get(p), runs)
        with counting_queries(engine) as statements:
            client.get(base)
        queries[n] = len(statements)
    with app.app_context():
        db.engine.dispose()
    return times, queries, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    args = parser.parse_args()
    rows, page_ratios, pdf_ratios, all_queries = [], [], [], []
    for kind in backends(args.db):
        with database(kind) as url:
            times, queries, sizes = measure(url, args.runs)
        for what in ("page", "PDF", "FHIR", "CSV"):
            ratio = times[what, SIZES[-1]] / times[what, SIZES[0]]
            (page_ratios if what == "page" else pdf_ratios if what == "PDF" else []).append(ratio)
            rows.append([kind, what, *(f"{times[what, n]:.1f}" for n in SIZES), f"{ratio:.2f}",
                         f"{sizes[what, SIZES[-1]] // 1024}",
                         "/".join(str(queries[n]) for n in SIZES) if what == "page" else "-"])
        all_queries += queries.values()
    print(f"median ms of {args.runs} staff requests, log of 10 / 90 / 365 entries")
    table(["database", "what", "10 ms", "90 ms", "365 ms", "365/10", "KiB at 365", "queries"],
          rows)
    figures(summary_ratio=max(page_ratios), pdf_ratio=max(pdf_ratios),
            summary_queries=max(all_queries))


if __name__ == "__main__":
    main()
