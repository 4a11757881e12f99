"""The reception queue at 1,000 and at 100,000 packets, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.queue_scaling [--small 1000] [--large 100000] [--db both]

For each database and size it fills an empty database in bulk (one clinic; flags, statuses
and dates spread like a busy clinic's), logs a receptionist in and times, over the app's
request handling: the first page, a page deep in the queue (by its keyset cursor, as "Next
page" links do), a flagged name search (a common surname), one patient searched by their
whole name, and the doctor list of the filter, the two sizes taking turns request by request
so that the machine's changing load falls on both alike. It ends with
`queue_ratio` (the worst median at the large size over the small one; goal at most 1.3: on
SQLite, which works inside this process, of CPU time, which other programs' load does not
move; on PostgreSQL of wall-clock time, since its work is done in the server) and
`queue_queries` (SQL statements for one page, the most seen at any size).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import insert, text

from app import create_app
from bench.common import backends, counting_queries, database, figures, table
from config import TestConfig
from extensions import db
from models import Appointment, Packet, PacketLink, PacketNameWord, Patient, StaffUser, name_words
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
        # What the packet's own insert writes through the ORM (bulk inserts skip it).
        db.session.execute(insert(PacketNameWord.__table__), [
            dict(packet_id=p["id"], word=w) for p in packets for w in name_words(p["patient_name"])])
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


def prepare(url: str, packets: int) -> dict:
    """Fill the database, log a receptionist in; what the timed rounds need."""
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
        # One patient in the middle of the table, found by their whole name.
        one = db.session.scalars(
            db.select(Packet.patient_name)
            .where(Packet.status == "submitted", Packet.visit_date >= today,
                   Packet.id >= packets // 2)
            .order_by(Packet.id).limit(1)).one()
        db.session.remove()
        engine = db.engine

    client = app.test_client()
    from tests.helpers import csrf_token

    client.post("/reception/login", data={"email": "bench@example.com", "password": PASSWORD,
                                          "csrf_token": csrf_token(client, "/reception/login")})
    assert client.get("/reception/").status_code == 200, "not logged in"
    paths = {"first page": "/reception/",
             "deep page": "/reception/?after=" + (cursor.encode() if cursor else ""),
             "flagged name search": "/reception/?flagged=1&name=lopez",
             "one patient by name": "/reception/?" + urlencode({"name": one})}
    queries = {}
    for label, path in paths.items():
        with counting_queries(engine) as statements:
            assert client.get(path).status_code == 200
        queries[label] = len(statements)

    def doctors() -> None:
        with app.app_context():
            queue.doctors(clinic_id, today)
            db.session.remove()

    calls = {label: (lambda p=path: client.get(p)) for label, path in paths.items()}
    calls["doctor list"] = doctors
    return {"app": app, "calls": calls, "queries": queries}


def measure(urls: dict[int, str], repeat: int) -> dict[int, dict[str, float]]:
    """Median ms of each request at each size, the sizes taking turns request by request
    (so a change in the machine's load falls on both sizes alike)."""
    ready = {size: prepare(url, size) for size, url in urls.items()}
    times: dict[int, dict[str, list[float]]] = {size: {} for size in ready}
    for _ in range(repeat + 1):  # the first round warms up and is not counted
        for label in ready[min(ready)]["calls"]:
            for size, prepared in ready.items():
                start, used = time.perf_counter(), time.process_time()
                prepared["calls"][label]()
                times[size].setdefault(label, []).append((time.perf_counter() - start) * 1000)
                times[size].setdefault(f"{label} cpu", []).append(
                    (time.process_time() - used) * 1000)
    result = {}
    for size, prepared in ready.items():
        result[size] = {label: statistics.median(values[1:])
                        for label, values in times[size].items()}
        result[size].update({f"{label} queries": n for label, n in prepared["queries"].items()})
        with prepared["app"].app_context():
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
        if args.database_url:
            by_size = measure({args.large: args.database_url}, args.repeat)
        else:
            with database(kind) as small_url, database(kind) as large_url:
                by_size = measure({args.small: small_url, args.large: large_url}, args.repeat)
        small, large = by_size[min(by_size)], by_size[max(by_size)]
        for label in ("first page", "deep page", "flagged name search", "one patient by name",
                      "doctor list"):
            ratio = large[label] / small[label] if small[label] else 1.0
            cpu_ratio = large[f"{label} cpu"] / small[f"{label} cpu"] if small[f"{label} cpu"] else 1.0
            if label != "doctor list":
                # SQLite works inside this process: its CPU time is the request's whole cost
                # and other programs' load does not move it. PostgreSQL works in its server:
                # the wall clock.
                ratios.append(cpu_ratio if kind == "sqlite" else ratio)
                queries += [small[f"{label} queries"], large[f"{label} queries"]]
            n = f"{small.get(label + ' queries', '')}/{large.get(label + ' queries', '')}"
            rows.append([kind, label, f"{small[label]:.2f}", f"{large[label]:.2f}",
                         f"{ratio:.2f}", f"{small[label + ' cpu']:.2f} / {large[label + ' cpu']:.2f}",
                         f"{cpu_ratio:.2f}", n if label != "doctor list" else "-"])
    print(f"median ms of {args.repeat} requests, {args.small:,} vs {args.large:,} packets")
    table(["database", "what", f"{args.small:,} ms", f"{args.large:,} ms", "ratio",
           "CPU ms", "CPU ratio", "queries"], rows)
    figures(queue_ratio=max(ratios), queue_queries=max(queries))


if __name__ == "__main__":
    main()
