"""Time the reception queue with 100,000 packets, on SQLite or PostgreSQL.

    .venv/bin/python scripts/bench_queue.py                       # a temporary SQLite file
    .venv/bin/python scripts/bench_queue.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

It fills an EMPTY database (made with create_all) with one clinic, N packets and their
appointments (flags, statuses and dates spread like a busy clinic's), then prints the
median time of the queue's queries and of the whole HTTP request, for page 1 and for a
page deep in the queue (reached by its keyset cursor, as "Next page" links do).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from config import TestConfig  # noqa: E402
from extensions import db  # noqa: E402
from models import Appointment, Packet, PacketLink  # noqa: E402
from services import queue  # noqa: E402
from services.clinics import create_clinic  # noqa: E402
from services.passwords import hash_password  # noqa: E402

DOCTORS = ["Dr. Priya Shah", "Dr. Samuel Okafor", "Dr. Lena Park", "Dr. Omar Haddad",
           "Dr. Grace Liu", "Dr. Tom Reyes"]
FIRST = ["Maria", "James", "Aisha", "Helen", "Tom", "Dana", "Robert", "Lee", "Sam", "Nia"]
LAST = ["Lopez", "Carter", "Khan", "Brooks", "Becker", "Whitfield", "Nguyen", "Ellis", "Park"]


def fill(clinic_id: int, count: int, today: date, seed: int = 4) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    batch = 5000
    for start in range(0, count, batch):
        appointments, packets = [], []
        for i in range(start, min(start + batch, count)):
            visit = today + timedelta(days=rng.randint(-60, 240))
            when = datetime.combine(visit, datetime.min.time()) + timedelta(
                hours=rng.randint(8, 17), minutes=rng.choice((0, 15, 30, 45)))
            doctor = rng.choice(DOCTORS)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            appointments.append(dict(id=i + 1, clinic_id=clinic_id, patient_name=name,
                                     date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000)),
                                     scheduled_for=when, doctor=doctor, status="scheduled",
                                     created_at=now))
            roll = rng.random()
            flag = 3 if roll < 0.02 else 2 if roll < 0.07 else 1 if roll < 0.22 else 0
            status = rng.choices(("submitted", "reviewed", "draft"), (70, 15, 15))[0]
            undated = rng.random() < 0.03
            packets.append(dict(
                id=i + 1, clinic_id=clinic_id, appointment_id=None if undated else i + 1,
                status=status, version=1, patient_name=name,
                date_of_birth=appointments[-1]["date_of_birth"],
                visit_date=None if undated else visit, doctor=doctor, reason="", hopes="",
                reason_prompts=[], history_note="", closing_words="", steps_saved=[],
                flag_level=flag, created_at=now, updated_at=now,
                submitted_at=now if status != "draft" else None))
        db.session.execute(insert(Appointment.__table__), appointments)
        db.session.execute(insert(Packet.__table__), packets)
        # One invitation link per appointment; about one in five not opened yet.
        expires = now + timedelta(days=120)
        links = [dict(kind="invitation", token_hash=f"{clinic_id}-{a['id']:064d}"[-64:],
                      clinic_id=clinic_id, appointment_id=a["id"], created_at=now,
                      expires_at=expires, dob_failures=0,
                      first_opened_at=None if rng.random() < 0.2 else now)
                 for a in appointments]
        db.session.execute(insert(PacketLink.__table__), links)
        db.session.commit()


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--packets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    today = date.today()
    with app.app_context():
        if db.session.scalar(text("SELECT 1")) != 1:
            raise SystemExit("database does not answer")
        db.create_all()
        if db.session.scalar(db.select(db.func.count(Packet.id))):
            raise SystemExit("use an empty database: this script fills it")
        clinic = create_clinic("bench", "Bench Clinic", require_totp=False)
        from models import StaffUser

        db.session.add(StaffUser(clinic=clinic, email="bench@example.com", role="reception",
                                 password_hash=hash_password("bench password 1"),
                                 must_change_password=False))
        db.session.commit()
        started = time.perf_counter()
        fill(clinic.id, args.packets, today)
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            db.session.execute(text("ANALYZE"))
        print(f"{url.split(':')[0]}: filled {args.packets:,} packets + appointments + links in "
              f"{time.perf_counter() - started:.1f} s")

        filters = queue.QueueFilters()
        first = queue.packet_page(clinic.id, filters, today)
        # A cursor about half-way through the to-review list, found once (not timed).
        deep_cursor = first.next_cursor
        pages = 0
        while deep_cursor is not None and pages < 1000:
            page = queue.packet_page(clinic.id, filters, today, deep_cursor)
            deep_cursor, pages = page.next_cursor or deep_cursor, pages + 1
            if page.next_cursor is None:
                break
        total = db.session.scalar(db.select(db.func.count(Packet.id)).where(
            Packet.clinic_id == clinic.id, Packet.status == "submitted",
            (Packet.visit_date >= today) | Packet.visit_date.is_(None)))
        deep = queue.packet_page(clinic.id, filters, today, deep_cursor)
        print(f"to review for upcoming visits: {total:,} packets = {pages + 1} pages of "
              f"{queue.PAGE_SIZE}; deep page = page {pages + 1} ({len(deep.rows)} rows)")

        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
        queue.packet_page(clinic.id, filters, today, deep_cursor)
        print(f"queries for one page: {len(statements)}")

        for label, cursor in (("page 1", None), (f"page {pages + 1}", deep_cursor)):
            ms = median_ms(lambda c=cursor: (queue.packet_page(clinic.id, filters, today, c),
                                              db.session.expire_all()), args.repeat)
            print(f"  queue query, {label:>10}: {ms:7.2f} ms (median of {args.repeat})")
        flagged = queue.QueueFilters(flagged=True, name="lopez")
        ms = median_ms(lambda: queue.packet_page(clinic.id, flagged, today), args.repeat)
        print(f"  queue query, flagged + name search 'lopez', page 1: {ms:7.2f} ms")
        ms = median_ms(lambda: queue.doctors(clinic.id, today), args.repeat)
        print(f"  doctor list for the filter: {ms:7.2f} ms")

        if url.startswith("postgresql"):
            plan = db.session.execute(text(
                "EXPLAIN SELECT id FROM packet WHERE clinic_id = :c AND status = 'submitted' "
                "AND flag_level = 0 AND visit_date >= :d ORDER BY visit_date, id LIMIT 26"),
                {"c": clinic.id, "d": today}).scalars().all()
            print("  plan of one segment: " + " / ".join(p.strip() for p in plan[:3]))

    client = app.test_client()
    client.post("/reception/login", data={"email": "bench@example.com",
                                          "password": "bench password 1"})
    assert client.get("/reception/").status_code == 200
    deep_url = "/reception/?after=" + deep_cursor.encode()
    for label, path in (("page 1", "/reception/"), (f"page {pages + 1}", deep_url),
                        ("unopened invitations", "/reception/?view=unopened")):
        ms = median_ms(lambda p=path: client.get(p), args.repeat)
        print(f"  HTTP GET, {label:>20}: {ms:7.2f} ms (median of {args.repeat})")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
