"""The mixed load of bench/load.py: 90 % patients, 10 % reception (1 request in 10 a PDF).

Patients start at the clinic's link, then save the visit step and symptom-log entries with
real form posts (CSRF token and hidden fields from the page) and read their review.
Reception logs in, reads the queue and summaries, and prints one summary in ten as PDF.
Run by bench/load.py; BENCH_PACKET_IDS and BENCH_STAFF name what reception may open.
"""

from __future__ import annotations

import itertools
import os
import random
import re
from datetime import date, datetime, timedelta

from locust import HttpUser, between, task

_INPUT = re.compile(r"<input[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
PACKETS = [int(x) for x in os.environ.get("BENCH_PACKET_IDS", "1").split(",")]
STAFF = os.environ.get("BENCH_STAFF", "desk@bench.example:a long bench password")


def hidden(html: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            out.setdefault(attrs["name"], attrs.get("value", "").replace("&#34;", '"'))
    return out


_ADDRESSES = itertools.count(1)


class Visitor(HttpUser):
    abstract = True
    wait_time = between(0, 0.05)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each user is one phone or desk behind the clinic's proxy (bench/load.py trusts
        # one hop), so the per-address rate limits count it apart from the others.
        n = next(_ADDRESSES) + os.getpid() % 200 * 1000
        self.client.headers["X-Forwarded-For"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def form(self, path: str, data: dict, name: str) -> None:
        """GET the form, POST it; a post that is not answered with a redirect is a failure."""
        page = self.client.get(path, name=f"GET {name}")
        with self.client.post(path, data={**hidden(page.text), **data}, name=f"POST {name}",
                              catch_response=True) as response:
            if response.ok and not response.history:
                response.failure("the form was refused")


class Patient(Visitor):
    weight = 9

    def on_start(self) -> None:
        self.form("/c/bench", {}, "/c/<slug> (start)")

    @task(3)
    def visit_step(self) -> None:
        self.form("/p/visit", {"reason": "My lower back hurts most mornings.",
                               "hopes": "A plan I can follow.", "nav": "next",
                               "patient_name": "Bench Patient", "date_of_birth": "1970-05-06",
                               "visit_date": (date.today() + timedelta(days=5)).isoformat(),
                               "doctor": "Dr. Lee"}, "/p/visit")

    @task(3)
    def log_entry(self) -> None:
        self.form("/p/log/new", {"recorded_at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                                 "pain": str(random.randint(2, 8)), "fatigue": "6",
                                 "areas_trunk": ["lower_back"], "sleep_hours": "6",
                                 "rested": "no", "mood": "low"}, "/p/log/new")

    @task(2)
    def review(self) -> None:
        self.client.get("/p/review", name="GET /p/review")


class Reception(Visitor):
    weight = 1

    def on_start(self) -> None:
        email, password = STAFF.split(":", 1)
        self.form("/reception/login", {"email": email, "password": password},
                  "/reception/login")

    @task(5)
    def queue(self) -> None:
        self.client.get("/reception/", name="GET /reception/ (queue)")

    @task(4)
    def summary(self) -> None:
        self.client.get(f"/reception/packets/{random.choice(PACKETS)}",
                        name="GET /reception/packets/<id>")

    @task(1)
    def pdf(self) -> None:
        self.client.get(f"/reception/packets/{random.choice(PACKETS)}/summary.pdf",
                        name="GET /reception/packets/<id>/summary.pdf")


class Trivial(HttpUser):
    """The one-line route, under the same gunicorn settings (bench/trivial.py)."""

    weight = 1
    wait_time = between(0, 0.05)

    @task
    def hello(self) -> None:
        self.client.get("/", name="GET / (one-line route)")
