"""Time the visit summary for a long packet: build, HTML, PDF, FHIR and CSV.

    .venv/bin/python scripts/bench_summary.py [--runs 5] [--database-url URL]

Makes a throw-away SQLite database (or uses --database-url) with one packet holding
90 days of symptom log (3 entries a day), 30 questions and 15 medications, then prints
the median time of each step. The first PDF is timed on its own: it includes loading
fonts, which happens once per process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template  # noqa: E402
from sqlalchemy import event  # noqa: E402

from extensions import db  # noqa: E402
from services.export_csv import symptom_log_csv_bytes  # noqa: E402
from services.fhir import questionnaire_response, validate  # noqa: E402
from services.pdf import render_pdf, warm_up  # noqa: E402
from services.summary import build_summary, load_packet  # noqa: E402
from tests.conftest import make_test_app  # noqa: E402
from tests.factories import make_clinic  # noqa: E402
from tests.summary.builders import make_full_packet  # noqa: E402


def timed(fn, runs: int) -> tuple[tuple[float, float], object]:
    """Median wall-clock and CPU seconds of `runs` calls, and the last result.

    CPU time is what the work itself costs; wall time also counts other processes
    sharing the machine's cores.
    """
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return (statistics.median(wall), statistics.median(cpu)), result


def ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:7.1f} ms wall {pair[1] * 1000:7.1f} ms CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        app = make_test_app(url)
        with app.app_context(), app.test_request_context("/"):
            db.create_all()
            clinic = make_clinic(slug="bench", name="Bench Clinic")
            packet = make_full_packet(
                clinic, days=90, per_day=3, questions=30, medications=15, treatments=8,
                safety_yes=("fever", "walking"),
            )
            packet_id = packet.id
            queries: list[str] = []
            event.listen(db.engine, "before_cursor_execute",
                         lambda *a: queries.append(a[2]))

            def build():
                db.session.expunge_all()
                queries.clear()
                return build_summary(load_packet(packet_id), "staff")

            t_build, summary = timed(build, args.runs)
            n_queries = len(queries)
            t_html, html = timed(
                lambda: render_template("summary/_summary.html", summary=summary), args.runs
            )
            t_warm, _ = timed(warm_up, 1)
            t_pdf_cold, _ = timed(lambda: render_pdf(summary), 1)
            t_pdf, pdf = timed(lambda: render_pdf(summary), args.runs)
            loaded = load_packet(packet_id)
            t_fhir, resource = timed(
                lambda: questionnaire_response(summary, loaded, "http://localhost"), args.runs
            )
            t_validate, _ = timed(lambda: validate(resource), args.runs)
            t_csv, csv = timed(lambda: symptom_log_csv_bytes(summary.entries), args.runs)
            if not args.database_url:
                db.drop_all()
            db.engine.dispose()

    print(f"packet: {summary.stats.entries} log entries over {summary.stats.days_logged} days, "
          f"{len(summary.top_questions) + len(summary.other_questions)} questions, "
          f"{len(summary.medications)} medications")
    print(f"median of {args.runs} runs:")
    print(f"  load + build summary : {ms(t_build)}  ({n_queries} queries)")
    print(f"  HTML render          : {ms(t_html)}  ({len(html) // 1024} KiB)")
    print(f"  PDF warm-up (worker) : {ms(t_warm)}  (once per gunicorn worker, before requests)")
    print(f"  PDF (first request)  : {ms(t_pdf_cold)}")
    print(f"  PDF                  : {ms(t_pdf)}  ({len(pdf) // 1024} KiB)")
    print(f"  FHIR response        : {ms(t_fhir)}")
    print(f"  FHIR R4B validation  : {ms(t_validate)}")
    print(f"  CSV                  : {ms(t_csv)}  ({len(csv) // 1024} KiB)")


if __name__ == "__main__":
    main()
