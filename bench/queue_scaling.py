"""The reception queue at 1,000 and at 100,000 packets, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.queue_scaling [--small 1000] [--large 100000] [--db both]

For each database and size it fills an empty database in bulk (one clinic; flags, statuses
and dates spread like a busy clinic's), logs a receptionist in and times, over the app's
request handling: the first page, a page deep in the queue (by its keyset cursor, as "Next
page" links do), a flagged name search, and the doctor list of the filter. It ends with
`queue_ratio` (the worst median at the large size over the small one; goal at most 1.3) and
`queue_queries` (SQL statements for one page, the most seen at any size).
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from app import create_app
from bench.common import backends, counting_queries, database, figures, median_ms, table
from config import TestConfig
from extensions import db
from models import Appointment, Packet, PacketLink, Patient, StaffUser
from services import queue
from services.clinics import create_clinic
from services.passwords import hash_password

DOCTORS = ["Dr. Priya Shah", "Dr. Samuel Okafor", "Dr. Lena Park", "Dr. Omar Haddad",
           "Dr. Grace Liu", "Dr. Tom Reyes"]
FIRST = ["Maria", "James", "Aisha", "Helen", "Tom", "Dana", "Robert", "Lee", "Sam", "Nia"]
LAST = ["Lopez", "Carter", "Khan", "Brooks", "Becker", "Whitfield", "Nguyen", "Ellis", "Park"]


def fill(clinic_id: int, count: int, today: date, seed: int = 4) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    batch = 5000
    for start in range(0, count, batch):
        patients, appointments, packets = [], [], []
        for i in range(start, min(start + batch, count)):
            visit = today + timedelta(days=rng.randint(-60, 240))
            when = datetime.combine(visit, datetime.min.time()) + timedelta(
                hours=rng.randint(8, 17), minutes=rng.choice((0, 15, 30, 45)))
            doctor = rng.choice(DOCTORS)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
            patients.append(dict(id=i + 1, clinic_id=clinic_id, name=name, date_of_birth=born,
                                 origin="reception", created_at=now))
            appointments.append(dict(id=i + 1, clinic_id=clinic_id, patient_id=i + 1,
                                     patient_name=name,
                                     date_of_birth=born,
                                     scheduled_for=when, doctor=doctor, status="scheduled",
                                     created_at=now))
            roll = rng.random()
            flag = 3 if roll < 0.02 else 2 if roll < 0.07 else 1 if roll < 0.22 else 0
            status = rng.choices(("submitted", "reviewed", "draft"), (70, 15, 15))[0]
            undated = rng.random() < 0.03
            packets.append(dict(
                id=i + 1, clinic_id=clinic_id, patient_id=i + 1,
                appointment_id=None if undated else i + 1,
                status=status, version=1, patient_name=name,
                date_of_birth=appointments[-1]["date_of_birth"],
                visit_date=None if undated else visit, doctor=doctor, reason="", hopes="",
                reason_prompts=[], history_note="", closing_words="", steps_saved=[],
                flag_level=flag, created_at=now, updated_at=now,
                submitted_at=now if status != "draft" else None))
        db.session.execute(insert(Patient.__table__), patients)
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


PASSWORD = "bench password 1"


def deep_cursor(clinic_id: int, today: date) -> queue.Cursor | None:
    """The cursor of a page about half-way through the to-review list (not timed)."""
    filters, cursor, pages = queue.QueueFilters(), None, 0
    seen = []
    while pages < 4000:
        page = queue.packet_page(clinic_id, filters, today, cursor)
        if page.next_cursor is None:
            break
        cursor, pages = page.next_cursor, pages + 1
        seen.append(cursor)
    return seen[len(seen) // 2] if seen else None


def measure(url: str, packets: int, repeat: int) -> dict[str, float]:
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=url)
    today = date.today()
    with app.app_context():
        db.create_all()
        clinic = create_clinic("bench", "Bench Clinic", require_totp=False)
        db.session.add(StaffUser(clinic=clinic, email="bench@example.com", role="reception",
                                 password_hash=hash_password(PASSWORD),
                                 must_change_password=False))
        db.session.commit()
        clinic_id = clinic.id
        fill(clinic_id, packets, today)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        cursor = deep_cursor(clinic_id, today)
        doctors_ms = median_ms(lambda: queue.doctors(clinic_id, today), repeat)
        db.session.remove()

    client = app.test_client()
    from tests.helpers import csrf_token

    client.post("/reception/login", data={"email": "bench@example.com", "password": PASSWORD,
                                          "csrf_token": csrf_token(client, "/reception/login")})
    assert client.get("/reception/").status_code == 200, "not logged in"
    paths = {"first page": "/reception/",
             "deep page": "/reception/?after=" + (cursor.encode() if cursor else ""),
             "flagged name search": "/reception/?flagged=1&name=lopez"}
    result = {}
    with app.app_context():
        engine = db.engine
    for label, path in paths.items():
        result[label] = median_ms(lambda p=path: client.get(p), repeat)
        with counting_queries(engine) as statements:
            assert client.get(path).status_code == 200
        result[f"{label} queries"] = len(statements)
    result["doctor list"] = doctors_ms
    with app.app_context():
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--db", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--database-url", help="use this empty database (one size: --large)")
    args = parser.parse_args()

    rows, ratios, queries = [], [], []
    for kind in backends(args.db) if not args.database_url else ["given"]:
        by_size = {}
        for size in (args.small, args.large) if not args.database_url else (args.large,):
            if args.database_url:
                by_size[size] = measure(args.database_url, size, args.repeat)
            else:
                with database(kind) as url:
                    by_size[size] = measure(url, size, args.repeat)
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        for label in ("first page", "deep page", "flagged name search", "doctor list"):
            ratio = large[label] / small[label] if small[label] else 1.0
            if label != "doctor list":
                ratios.append(ratio)
                queries += [small[f"{label} queries"], large[f"{label} queries"]]
            n = f"{small.get(label + ' queries', '')}/{large.get(label + ' queries', '')}"
            rows.append([kind, label, f"{small[label]:.2f}", f"{large[label]:.2f}",
                         f"{ratio:.2f}", n if label != "doctor list" else "-"])
    print(f"median ms of {args.repeat} requests, {args.small:,} vs {args.large:,} packets")
    table(["database", "what", f"{args.small:,} ms", f"{args.large:,} ms", "ratio",
           "queries"], rows)
    figures(queue_ratio=max(ratios), queue_queries=max(queries))


if __name__ == "__main__":
    main()
