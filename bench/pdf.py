"""The PDF of a 365-entry packet: time, peak memory, and PDFs a second with every worker busy.

    .venv/bin/python -m bench.pdf [--runs 3] [--seconds 15] [--workers 2]

In-process: the median time of one PDF and the peak of Python memory while drawing it
(tracemalloc) with the process's peak resident size. Then gunicorn serves the same packet
and twice as many clients as workers ask for it back to back: PDFs a second, and the median
and slowest response.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc

from bench.common import figures, median_ms, table
from extensions import db
from services.pdf import render_pdf, warm_up
from services.summary import build_summary, load_packet
from tests.conftest import make_test_app
from tests.factories import make_clinic, make_staff
from tests.servers import Browser, gunicorn
from tests.summary.builders import make_full_packet

PASSWORD = "a long bench password"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/pdf.sqlite3"
        app = make_test_app(url)
        with app.app_context(), app.test_request_context("/"):
            db.create_all()
            clinic = make_clinic(slug="bench", name="Bench Clinic", require_totp=False)
            make_staff(clinic, "desk@bench.example", password=PASSWORD)
            packet = make_full_packet(clinic, days=365, per_day=1, questions=30,
                                      medications=15, treatments=8)
            packet_id = packet.id
            summary = build_summary(load_packet(packet_id), "staff")
            warm_up()
            one_ms = median_ms(lambda: render_pdf(summary), args.runs)
            tracemalloc.start()
            pdf = render_pdf(summary)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            db.engine.dispose()

        env = {"DATABASE_URL": url, "VISITPREP_ENV": "development",
               "VISITPREP_INSTANCE_DIR": tmp, "RATELIMIT_ENABLED": "false"}
        with gunicorn(env, workers=args.workers) as base:
            desk = Browser(base)
            desk.post("/reception/login", {"email": "desk@bench.example", "password": PASSWORD})
            path = f"{base}/reception/packets/{packet_id}/summary.pdf"
            times: list[float] = []
            stop = time.monotonic() + args.seconds

            def client() -> None:
                while time.monotonic() < stop:
                    start = time.perf_counter()
                    with desk.opener.open(path, timeout=60) as r:  # noqa: S310 - loopback
                        assert r.read(5) == b"%PDF-"
                    times.append(time.perf_counter() - start)

            threads = [threading.Thread(target=client) for _ in range(args.workers * 2)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
    per_second = len(times) / elapsed
    table(["what", "value"], [
        ["PDF of 365 entries, in process (median ms)", f"{one_ms:.0f}"],
        ["PDF size (KiB)", len(pdf) // 1024],
        ["peak Python memory while drawing (MiB)", f"{peak / 2**20:.1f}"],
        ["peak resident size of the process (MiB)", f"{rss_mb:.0f}"],
        [f"PDFs/s, {args.workers} workers, {len(threads)} clients", f"{per_second:.2f}"],
        ["response under load, median / slowest (ms)",
         f"{statistics.median(times) * 1000:.0f} / {max(times) * 1000:.0f}"],
    ])
    figures(pdf_ms=one_ms, pdf_peak_mib=peak / 2**20, pdfs_per_second=per_second)


if __name__ == "__main__":
    main()
