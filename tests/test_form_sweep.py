"""SECURITY.md A3: every form the app shows gets at least 200 generated inputs, and none
gives a 5xx.

The forms are found, not listed: each kind of visitor (anonymous with a link to check,
patient, patient after sending, reception, admin, and a login half-way through each of
its steps) opens every GET route of `app.url_map`, and every `<form>` on those pages is
taken, with or without an `action` (one without posts to its own page), GET forms (the
searches) too. So a new form is swept as soon as a page shows it, and a new POST route
that no page's form reaches fails `test_A3_every_post_route_has_a_form_the_sweep_found`.

Each generated input starts from the page as a browser has it (a fresh GET, so the CSRF
token and version fields are current), replaces every field the person can change with
text, edge cases, numbers, dates, the field's own choices or nothing at all, now and then
spoils a hidden field too, and submits it. When a success changed the world so that the
form is gone (a password changed, a session ended), the visitor comes in again, and if
the form is still gone the database is emptied and the world made again (ids come out the
same, so the form's page does too).

HYPOTHESIS_PROFILE=sweep-quick runs 20 inputs a form, for trying things out; the default
(and CI) is 200.
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from extensions import db
from models import HistoryItem, Medication, Packet, utcnow
from services import patients, reminders
from services.patient_session import log_in
from services.tokens import create_invitation, create_resume_link
from tests.auth.helpers import login
from tests.conftest import make_test_app
from tests.factories import (
    make_appointment,
    make_clinic,
    make_packet,
    make_patient,
    make_staff,
)
from tests.test_routes import build_world, url_for_rule

settings.register_profile("sweep", max_examples=200, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("sweep-quick", max_examples=20, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "sweep")
if PROFILE not in {"sweep", "sweep-quick"}:
    PROFILE = "sweep"
EXAMPLES = settings.get_profile(PROFILE).max_examples

INVITATION_TOKEN = "sweep-invitation-token-0123456789abcdef0123456789"
#: Fields a browser never lets the person type into, kept as the page gave them (mostly).
CSRF = "csrf_token"


# The forms on a page -----------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, date, number, ...
    values: list[str] = field(default_factory=list)  # choices, or the hidden value


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field]

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, _shape(self.action), tuple(sorted(self.fields)))


def _shape(path: str) -> str:
    """/p/medications/3/edit and /p/medications/4/edit are the same form."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", urlsplit(path).path)


class FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            # No action: the form posts to its own page (a browser does the same).
            action = a.get("action") or self.page_path
            self._form = Form((a.get("method") or "get").upper(), action, {})
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                kind = "button"
            entry = form.fields.setdefault(name, Field(name, kind))
            if kind in {"checkbox", "radio", "hidden", "button"}:
                entry.values.append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "button" and name:
            form.fields.setdefault(name, Field(name, "button")).values.append(a.get("value", ""))
        elif tag == "textarea" and name:
            form.fields.setdefault(name, Field(name, "textarea"))
        elif tag == "select" and name:
            self._select = form.fields.setdefault(name, Field(name, "select"))
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_on(html: str, page_path: str) -> list[Form]:
    parser = FormParser(page_path)
    parser.feed(html)
    return parser.forms


# The world and its visitors ------------------------------------------------------------


def make_world() -> dict:
    """test_routes' world (two clinics, one of everything), plus what the other visitors
    need: a sent packet's own link, an invitation whose token we know, a reminder link,
    and one staff member half-way through each login step."""
    world = build_world()
    values = world["values"]
    sent = db.session.get_one(Packet, values["packet_id"])
    world["sent_link"] = create_resume_link(sent, 30)[0]
    appointment = make_appointment(world["reception"].clinic, patient_name="Lee Invited",
                                   date_of_birth=date(1970, 3, 4))
    create_invitation(appointment, 30, token=INVITATION_TOKEN)
    totp_clinic = make_clinic("lakeside", "Lakeside Clinic", require_totp=True)
    make_staff(totp_clinic, "enrol@lakeside.example", "reception")
    coded = make_staff(world["reception"].clinic, "code@riverside.example", "reception",
                       totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", totp_enabled=True)
    make_staff(world["reception"].clinic, "fresh@riverside.example", "reception",
               must_change_password=True)
    clinic = world["reception"].clinic
    # Forms only some states show: enable a disabled account, unlock a locked link, a
    # surgery to remove, last visit's answers to check, a self-started packet to match (and
    # one matched, to undo), and a clinic whose page has "Start".
    make_staff(clinic, "gone@riverside.example", "reception", is_active=False)
    locked = make_appointment(clinic, patient_name="Kim Locked")
    link, _token = create_invitation(locked, 30)
    link.dob_failures, link.locked_at = 5, utcnow()
    draft = world["draft"]
    draft.history_items.append(HistoryItem(kind="surgery_injury", name="knee"))
    before = make_packet(clinic, patient=draft.patient, patient_name="Pat Draft",
                         date_of_birth=draft.date_of_birth, status="submitted",
                         submitted_at=datetime(2025, 6, 1, 9, tzinfo=UTC),
                         visit_date=date(2025, 6, 1))  # before the draft's log entry
    before.medications.append(Medication(name="Naproxen"))
    before.history_items.append(HistoryItem(kind="surgery_injury", name="hip"))
    known = make_patient(clinic, "Robin Self", date_of_birth=date(1990, 5, 6))
    to_match = make_packet(clinic, patient_name="Robin Self", date_of_birth=date(1990, 5, 6),
                           status="submitted", submitted_at=utcnow())
    matched = make_packet(clinic, patient_name="Robin Self", date_of_birth=date(1990, 5, 6),
                          status="submitted", submitted_at=utcnow())
    patients.match(matched, known, world["reception"])
    make_clinic("seaside", "Seaside Clinic", open_start=True)
    db.session.commit()
    del coded
    world["seeds"] = [f"/r/{reminders.settings_token(sent.id)}",
                      f"/r/{reminders.settings_token(sent.id, 'previsit')}/stop",
                      f"/reception/packets/{to_match.id}/match",
                      f"/reception/packets/{matched.id}", "/c/seaside"]
    return world


def reset_world() -> dict:
    """Empty every table (children first) and make the world again: the same ids."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(delete(table))
        if db.engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or column.autoincrement == "auto":
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', "
                            f"'{column.name}'), 1, false) "
                            f"WHERE pg_get_serial_sequence('\"{table.name}\"', "
                            f"'{column.name}') IS NOT NULL")
    return make_world()


def visitor(app, role: str, world: dict):
    """A browser as `role`, from scratch."""
    client = app.test_client()
    if role == "patient":
        with client.session_transaction() as session:
            log_in(session, world["draft"], world["draft_link"])
    elif role == "patient_sent":
        with client.session_transaction() as session:
            log_in(session, db.session.get_one(Packet, world["values"]["packet_id"]),
                   world["sent_link"])
    elif role == "anonymous":
        client.get(f"/v/{INVITATION_TOKEN}")  # a link to check: the date-of-birth form
    elif role in ("reception", "admin"):
        assert login(client, world[role].email).status_code == 303
    elif role in LOGIN_STEPS:
        # Once its step is done (a new password set), this fails: the world is made again.
        login(client, LOGIN_STEPS[role])
    return client


#: Staff half-way through a login, by the step they are at.
LOGIN_STEPS = {"login_new_password": "fresh@riverside.example",
               "login_enrol": "enrol@lakeside.example",
               "login_code": "code@riverside.example"}
ROLES = ("anonymous", "patient", "patient_sent", "reception", "admin", *LOGIN_STEPS)
#: The visitors whose forms another one's sweep leaves out (they are swept as those).
SWEPT_AS = {role: ("anonymous",) for role in ROLES if role != "anonymous"}
SWEPT_AS["admin"] = ("anonymous", "reception")
#: Routes that end the visitor's session or its login step: crawled last.
ENDING = {"auth.logout", "patient.leave", "patient.new_link"}


def page_urls(app, world: dict) -> list[str]:
    urls = []
    rules = sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods),
                   key=lambda r: (r.endpoint in ENDING, r.rule))
    for rule in rules:
        if rule.endpoint in {"static", "dev.outbox"} or rule.endpoint.startswith("health."):
            continue
        if re.search(r"\.(pdf|csv|json|svg)$|^/fhir/", rule.rule):
            continue  # files, not pages: no form in them
        urls.append(url_for_rule(rule, world["values"]))
    return urls + world["seeds"]


@dataclass
class Found:
    role: str
    page: str
    form: Form


def crawl(app, role: str, world: dict, pages: list | None = None) -> list[Found]:
    """Every form `role` can see on a GET page, once per shape (and the pages, if asked)."""
    client = visitor(app, role, world)
    found: dict[tuple, Found] = {}
    for url in page_urls(app, world):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if pages is not None:
            pages.append((role, url, html))
        for form in forms_on(html, urlsplit(url).path):
            if urlsplit(form.action).netloc:
                continue
            found.setdefault((form.signature), Found(role, url, form))
    return list(found.values())


# What a person (or an attacker) might type ----------------------------------------------

MISSING = object()
KEEP = object()

EDGE = st.sampled_from([
    "", " ", "\t", "\x00", "a\x00b", "<script>alert(1)</script>", "\"><img src=x onerror=1>",
    "x" * 5000, "😣" * 60, "NaN", "nan", "inf", "-1", "0", "-0", "1e309", "0" * 40,
    "99999999999999999999999", "2147483648", "-2147483649", "1.5", "１２", "٣",
    "2024-13-45", "2024-02-30", "0000-00-00", "9999-12-31", "9999-12-31T23:59",
    "1900-01-01T00:00", "\u202ereversed", "line\r\nbreak", "' OR 1=1 --", "%00", "../../etc",
    "on", "off", "true", "yes", "none", "null", "[]", "{}",
])
#: Any character UTF-8 can carry (every one but the lone surrogates), said by category:
#: `codec="utf-8"` computes the same set, at seconds per process.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
NUMBER = st.integers(min_value=-(10**12), max_value=10**12).map(str)
DATE = st.dates().map(date.isoformat)
DATETIME = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))


#: A hidden field spoiled: left out, or an edge case.
SPOILED = st.one_of(st.just([]), EDGE.map(lambda v: [v]))


@st.composite
def kept_mostly(draw, one_in: int):
    """The page's own value, but one time in `one_in` a spoiled one (a strategy built once:
    a `flatmap` would build and check a new one for every input)."""
    return [KEEP] if draw(st.integers(0, one_in - 1)) else draw(SPOILED)


def field_values(entry: Field) -> st.SearchStrategy:
    """A list of values for one field name (empty: the field is not sent)."""
    if entry.name == CSRF:
        # Nearly always the page's own token: without it nothing past the check runs.
        return kept_mostly(20)
    if entry.kind == "hidden":
        return kept_mostly(10)
    one = st.one_of(TEXT, EDGE, NUMBER, DATE, DATETIME)
    choices = [v for v in entry.values if v is not None]
    if choices:
        one = st.one_of(st.sampled_from(choices), st.sampled_from(choices), one)
    if entry.kind in {"checkbox", "select", "radio"}:
        return st.lists(one, max_size=4 if entry.kind == "checkbox" else 2)
    if entry.kind == "button":
        return st.lists(one, max_size=1)
    return st.one_of(one.map(lambda v: [v]), st.just([]), st.lists(one, min_size=2, max_size=3))


#: Names a mass-assignment attempt would try (A5), and any other name.
EXTRA_NAMES = st.one_of(st.sampled_from(["status", "clinic_id", "packet_id", "id", "role",
                                         "version", "is_active", "submitted_at", "user_id"]),
                        st.text(min_size=1, max_size=20))
EXTRA = "\x00extra"


def form_input(form: Form) -> st.SearchStrategy:
    fields = {name: field_values(entry) for name, entry in sorted(form.fields.items())}
    # Fields the page does not have: never written, never a 5xx (and a form with nothing
    # to type in, e.g. Log out, still gets 200 different inputs).
    fields[EXTRA] = st.lists(st.tuples(EXTRA_NAMES, st.one_of(TEXT, EDGE)), max_size=3)
    return st.fixed_dictionaries(fields)


def payload(generated: dict, current: Form) -> list[tuple[str, str]]:
    out = []
    for name, values in generated.items():
        if name == EXTRA:
            out.extend(values)
            continue
        for value in values:
            if value is KEEP:
                entry = current.fields.get(name)
                if entry and entry.values:
                    out.append((name, entry.values[0]))
            else:
                out.append((name, value))
    return out


# The sweep -------------------------------------------------------------------------------


@dataclass
class Tally:
    inputs: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    five_hundreds: int = 0
    resets: int = 0


def _find(forms: list[Form], signature) -> Form | None:
    return next((f for f in forms if f.signature == signature), None)


#: A page is opened again for the form at least this often, and the world is made again
#: at most this often for one form (one-shot actions: a cancelled appointment's form is gone).
REFRESH_EVERY = 25


class Sweeper:
    """One visitor submitting generated inputs to the forms it found."""

    def __init__(self, app, role: str, world: dict) -> None:
        self.app, self.role, self.world = app, role, world
        self.client = visitor(app, role, world)
        #: The form as last seen (a fresh page, or the answer showing it again with its
        #: errors, whose hidden fields are as fresh as a new GET's), and what came back.
        self.last: Form | None = None
        self.last_status: int | None = None
        self.since_page = self.since_reset = 0

    def start(self, found: Found) -> None:
        self.last, self.last_status, self.since_page, self.since_reset = None, None, 0, 0

    def page_form(self, found: Found) -> tuple[int, Form | None]:
        response = self.client.get(found.page)
        if response.status_code != 200:
            return response.status_code, None
        return 200, _find(forms_on(response.get_data(as_text=True),
                                   urlsplit(found.page).path), found.form.signature)

    def ready(self, found: Found, tally: Tally) -> Form:
        """The form to fill in now. A page is opened again only when something may have
        changed its hidden fields (a success, a conflict), and now and then anyway."""
        fresh_enough = self.last_status in {200, 400, 404, 413, 422} and (
            self.since_page < REFRESH_EVERY)
        if self.last is not None and fresh_enough:
            self.since_page += 1
            return self.last
        self.since_page = 0
        status, form = self.page_form(found)
        if form is None and status != 200:
            self.client = visitor(self.app, self.role, self.world)  # the session ended
            status, form = self.page_form(found)
        if form is None and (self.last is None or self.since_reset >= REFRESH_EVERY):
            tally.resets += 1
            self.since_reset = 0
            self.world = reset_world()
            self.client = visitor(self.app, self.role, self.world)
            status, form = self.page_form(found)
        # Gone until the next reset: the stale form still makes a fine input.
        self.last = form or self.last or found.form
        return self.last

    def submit(self, form: Form, generated: dict):
        data = payload(generated, form)
        if form.method == "GET":
            sep = "&" if "?" in form.action else "?"
            response = self.client.get(form.action + sep + urlencode(data))
        else:
            response = self.client.post(form.action, data=urlencode(data),
                                        content_type="application/x-www-form-urlencoded")
        self.since_reset += 1
        self.last_status = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html":
            again = _find(forms_on(response.get_data(as_text=True), urlsplit(form.action).path),
                          form.signature)
            if again is not None:
                self.last = again
            else:
                self.last_status = None  # a different page: open the form's page again
        return response


@contextmanager
def sweep_database(app, tmp_path):
    """The database the sweep fills: on SQLite a file of its own in memory-backed storage
    when the machine has it (/dev/shm; thousands of commits, each synced to disk, were half
    the time), else the test's own; on PostgreSQL the test's."""
    url = db.engine.url.render_as_string(hide_password=False)
    if db.engine.dialect.name != "sqlite":
        yield url
        return
    memory = Path("/dev/shm")  # noqa: S108 - a private folder made in it below (mode 0700)
    with tempfile.TemporaryDirectory(dir=memory if memory.is_dir() else tmp_path) as folder:
        yield f"sqlite:///{Path(folder) / 'sweep.sqlite3'}"


#: The visitors with many forms are swept in parts that run side by side (pytest-xdist):
#: part i of n takes every n-th form, so no single test holds the suite's end.
PARTS = {"patient": 3, "reception": 2, "admin": 2}
SWEEPS = [(role, part, PARTS.get(role, 1)) for role in ROLES for part in range(PARTS.get(role, 1))]


@contextmanager
def sweep_app(app, tmp_path):
    """The app the sweep's requests go to, on the sweep's database (`sweep_database`), with
    an app context on that database open for building its world; both disposed after.

    The requests go to an app of their own, so each has its own app context (as under a
    real server): nothing a request leaves on `g` reaches the next one."""
    with sweep_database(app, tmp_path) as url:
        own = url != db.engine.url.render_as_string(hide_password=False)
        builder = make_test_app(url, SECRET_KEY=app.config["SECRET_KEY"]) if own else app
        served = make_test_app(url, SECRET_KEY=app.config["SECRET_KEY"])
        with builder.app_context():
            if own:
                db.create_all()
            try:
                yield served
            finally:
                with served.app_context():
                    db.engine.dispose()
                if own:
                    db.session.remove()
                    db.engine.dispose()


def sweep(app, role: str, tmp_path, part: int = 0, parts: int = 1) -> dict[tuple, Tally]:
    with sweep_app(app, tmp_path) as served:
        return sweep_in(served, role, part, parts)


def sweep_in(served, role: str, part: int = 0, parts: int = 1) -> dict[tuple, Tally]:
    world = make_world()
    found = crawl(served, role, world)
    assert found, f"{role} sees no form at all"
    # A form more than one kind of visitor sees is swept once, as the one with the least
    # rights: what anyone can open (a clinic's start page, the reminder links) as
    # anonymous, reception's pages as reception (admins see them too).
    for lesser in SWEPT_AS.get(role, ()):
        seen = {item.form.signature for item in crawl(served, lesser, world)}
        found = [item for item in found if item.form.signature not in seen]
    found = found[part::parts]
    assert found, f"part {part + 1} of {parts} of {role}'s forms is empty"
    sweeper = Sweeper(served, role, world)
    tallies: dict[tuple, Tally] = {}
    for item in found:
        tally = tallies.setdefault(item.form.signature, Tally())
        sweeper.start(item)
        inputs_for(sweeper, item, tally)()
    return tallies


def inputs_for(sweeper: Sweeper, item: Found, tally: Tally):
    @settings(settings.get_profile(PROFILE))
    @given(generated=form_input(item.form))
    def one_input(generated):
        form = sweeper.ready(item, tally)
        response = sweeper.submit(form, generated)
        tally.inputs += 1
        tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            tally.five_hundreds += 1
        assert response.status_code < 500, (
            f"{sweeper.role} {form.method} {form.action} -> {response.status_code}: "
            f"{payload(generated, form)!r:.2000}")

    return one_input


def report(role: str, tallies: dict[tuple, Tally]) -> str:
    lines = [f"A3 sweep, {role}: {len(tallies)} forms, "
             f"{sum(t.inputs for t in tallies.values())} inputs, "
             f"{sum(t.five_hundreds for t in tallies.values())} 5xx"]
    for (method, action, names), tally in sorted(tallies.items()):
        codes = " ".join(f"{code}x{n}" for code, n in sorted(tally.statuses.items()))
        lines.append(f"  {method} {action} ({len(names)} fields): {tally.inputs} inputs, "
                     f"{tally.five_hundreds} 5xx, resets {tally.resets} [{codes}]")
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize(("role", "part", "parts"), SWEEPS,
                         ids=[f"{role}-{part + 1}of{parts}" for role, part, parts in SWEEPS])
def test_A3_every_form_takes_200_generated_inputs_without_a_5xx(app, role, part, parts, capsys,
                                                                 tmp_path):
    tallies = sweep(app, role, tmp_path, part, parts)
    with capsys.disabled():
        print("\n" + report(f"{role} ({part + 1} of {parts})", tallies))
    assert all(t.inputs >= EXAMPLES for t in tallies.values())
    assert sum(t.five_hundreds for t in tallies.values()) == 0


#: POST routes that no page's form reaches, and why they need none.
NO_FORM = {
}


def test_A3_every_post_route_has_a_form_the_sweep_found(app, tmp_path):
    """So a new POST route is swept, or someone says here why no form reaches it. And no
    field on any page has a `maxlength`, which cuts a paste without a word (R10): limits
    are the server's, with a message next to the field and the text kept."""
    pages: list = []
    with sweep_app(app, tmp_path) as served:
        world = make_world()
        adapter = served.url_map.bind("localhost")
        reached = set()
        for role in ROLES:
            for item in crawl(served, role, world, pages):
                try:
                    endpoint, _args = adapter.match(urlsplit(item.form.action).path,
                                                    method=item.form.method)
                except Exception:  # noqa: BLE001 - a form to nowhere is reported below
                    endpoint = f"(nothing at {item.form.action})"
                reached.add(endpoint)
    posts = {rule.endpoint for rule in served.url_map.iter_rules() if "POST" in rule.methods}
    unreached = sorted(posts - reached - set(NO_FORM))
    assert unreached == [], f"no form found for: {unreached}"
    assert sorted(e for e in reached if e.startswith("(")) == []
    assert sorted(set(NO_FORM) & reached) == [], "listed in NO_FORM, yet a form reaches it"
    assert len(pages) > 100
    cutting = sorted({(role, _shape(url)) for role, url, html in pages
                      if re.search(r"<(input|textarea)\b[^>]*\bmaxlength=", html)})
    assert cutting == [], f"maxlength on: {cutting}"


# What the sweep found, kept as plain tests ----------------------------------------------


def test_A3_a_reminder_hour_of_spaces_means_no_daily_reminder(app, client):
    world = make_world()
    sent = world["values"]["packet_id"]
    path = f"/r/{reminders.settings_token(sent)}"
    form = forms_on(client.get(path).get_data(as_text=True), path)[-1]
    r = client.post(path, data={CSRF: form.fields[CSRF].values[0], "daily_hour": " "})
    assert r.status_code == 200, r.status_code
    assert db.session.get_one(Packet, sent).daily_reminder_hour is None


@pytest.mark.parametrize(("path", "field"), [("/p/questions/mine", "rank_"),
                                           ("/p/history", "family_fibromyalgia")])
def test_A3_a_choice_of_spaces_is_no_answer(app, path, field):
    """"  " skipped the choices check (Optional) and reached int() (500) or an enum
    column's CHECK (503)."""
    world = make_world()
    served = make_test_app(db.engine.url.render_as_string(hide_password=False),
                           SECRET_KEY=app.config["SECRET_KEY"])
    try:
        client = visitor(served, "patient", world)
        page = client.get(path).get_data(as_text=True)
        form = next(f for f in forms_on(page, path)
                    if any(name.startswith(field) for name in f.fields))
        data = {name: (entry.values[0] if entry.values else "")
                for name, entry in form.fields.items() if entry.kind == "hidden"}
        data.update({name: " " for name in form.fields if name.startswith(field)})
        r = client.post(path, data=data)
        assert r.status_code in (200, 303), r.status_code
    finally:
        with served.app_context():
            db.engine.dispose()
