"""Pseudo-locale: every page of the patient's and the reception's journeys, with a catalogue
that wraps each message in ⟦ ⟧, must show no words that did not pass through translation.

Words the people typed (names, answers), the clinic's name, dates and numbers, and the two
language names on the switch are data, not messages; everything else needs the markers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest
from flask import g

from extensions import babel, db
from models import (
    BodyCheck,
    HistoryItem,
    Medication,
    PacketQuestion,
    SafetyAnswer,
    SymptomEntry,
    TreatmentTried,
)
from services.catalogues import PSEUDO_CLOSE, PSEUDO_OPEN, write_pseudo
from services.patient_session import log_in
from services.tokens import create_invitation, create_resume_link
from tests.auth.helpers import login
from tests.conftest import empty_every_table, make_test_app
from tests.factories import make_appointment, make_clinic, make_packet, make_staff
from tests.test_routes import ACCESS, url_for_rule

#: Data the test typed in, as the people would: never translated, always shown as typed.
TYPED = [
    "Riverside Clinic", "Pat Draft", "Sam Patient", "Dr Rivera", "Ibuprofen",
    "Is this normal?", "My back hurts in the morning.", "To feel better.", "twice daily",
    "last spring", "aches", "reception@riverside.example", "admin@riverside.example",
    "400 mg", "since May", "Fell on ice", "Closing words for the doctor", "A staff note",
    "Tuesday", "lower left", "VisitPrep",
]
#: Names of the languages on the switch, each in its own language.
LANGUAGE_NAMES = ["Español", "English"]
#: What Babel writes for dates and times in Spanish (US).
DATE_WORDS = re.compile(
    r"\b(?:lun|mar|mié|jue|vie|sáb|dom|ene|feb|abr|may|jun|jul|ago|sept|oct|nov|dic|"
    r"a\.\s?m\.|p\.\s?m\.)\b", re.IGNORECASE
)
#: Technical identifiers (audit actions, file types, units), shown as they are.
TECHNICAL = re.compile(
    r"\b(?:[a-z_]+\.[a-z_.]+|UTC|[A-Z]{1,4}[SD]?T|PDF|CSV|FHIR|JSON|QR|WPI|SSS|ACR|mg|min|h)\b"
)
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}


class TextCollector(HTMLParser):
    """The text a person sees or hears: the text nodes in order, and the attributes read out.

    A message may hold markup (a `tel:` link inside a sentence), so its markers can open in
    one text node and close in another: the text nodes are kept as one running text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "svg"):
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.attributes.append(value)
            elif name.startswith("data-") and value and (" " in value or value[:1].isupper()):
                # Words the page's script shows later (CSP: no inline script, so the
                # server hands them over in data- attributes).
                self.attributes.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.attributes.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


_MESSAGE = re.compile(re.escape(PSEUDO_OPEN) + "[^" + PSEUDO_OPEN + PSEUDO_CLOSE + "]*"
                      + re.escape(PSEUDO_CLOSE))


def _leftover(text: str, typed: list[str]) -> str:
    while True:
        shorter = _MESSAGE.sub(" ", text)
        if shorter == text:
            break
        text = shorter
    for value in sorted(typed + LANGUAGE_NAMES, key=len, reverse=True):
        text = text.replace(value, " ")
    return TECHNICAL.sub(" ", DATE_WORDS.sub(" ", text))


def untranslated(html: str, typed: list[str]) -> list[str]:
    """The visible pieces with words left after removing messages and data."""
    parser = TextCollector()
    parser.feed(html)
    pieces = [line.strip() for line in _leftover("".join(parser.text), typed).splitlines()]
    pieces += [value for value in parser.attributes if WORD.search(_leftover(value, typed))]
    return [piece for piece in pieces if WORD.search(piece)]


@pytest.fixture
def pseudo_app(tmp_path, _shared_postgres):
    url = _shared_postgres or f"sqlite:///{tmp_path / 'pseudo.sqlite3'}"
    translations = write_pseudo(tmp_path / "translations", "es")
    app = make_test_app(url, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    # Flask-Babel caches loaded catalogues by locale on the shared extension object, across
    # apps: drop the real Spanish one so this app loads the pseudo one, and the reverse after.
    with app.app_context():
        babel.domain_instance.cache.clear()
        if _shared_postgres is None:
            db.create_all()
        yield app
        db.session.remove()
        if _shared_postgres is not None:
            empty_every_table()
        db.engine.dispose()
        babel.domain_instance.cache.clear()


def fill(packet) -> None:
    """One of everything, so every part of every page renders."""
    now = datetime.now()
    packet.reason, packet.hopes = "My back hurts in the morning.", "To feel better."
    packet.closing_words = "Closing words for the doctor"
    packet.reason_prompts = ["new_symptoms"]
    packet.family_fibromyalgia = "unsure"
    packet.history_items.append(HistoryItem(kind="condition", name="lupus", when_text="last spring"))
    packet.history_items.append(HistoryItem(kind="surgery_injury", name="Fell on ice"))
    packet.history_items.append(HistoryItem(kind="test", name="mri", detail="aches"))
    packet.medications.append(Medication(name="Ibuprofen", dose="400 mg", frequency="twice daily",
                                         drug_class="nsaid", since_text="since May"))
    packet.treatments.append(TreatmentTried(kind="yoga", effect="helped", still_doing=True))
    packet.treatments.append(TreatmentTried(kind="other", name="aches", effect="worse"))
    packet.questions.append(PacketQuestion(text="Is this normal?", source="own", top_rank=1))
    for days in range(3):
        packet.symptom_entries.append(SymptomEntry(
            recorded_at=now - timedelta(days=days, hours=1), pain=4 + days, fatigue=5,
            areas=["lower_back", "neck"], qualities=["deep_ache"], worse_with=["sitting"],
            helped_with=["heat"], sleep_hours=6.5, rested=False, stiffness_minutes=130,
            numbness=True, spasms=True, headache=True, digestive=True, mood="low",
            where_text="lower left",
        ))
    packet.body_check = BodyCheck(areas=["lower_back", "neck", "jaw_left"], fatigue=2,
                                  unrefreshed=2, cognitive=1, headaches=True,
                                  lower_abdomen=False, depression=True, three_months="yes")
    packet.safety_answers.append(SafetyAnswer(question_key="saddle_numbness", answer=True))


@pytest.fixture
def world(pseudo_app):
    clinic = make_clinic("riverside", "Riverside Clinic", require_totp=False, open_start=True)
    admin = make_staff(clinic, "admin@riverside.example", "admin", language="es")
    make_staff(clinic, "reception@riverside.example", "reception", language="es")
    appointment = make_appointment(clinic, patient_name="Sam Patient", doctor="Dr Rivera")
    create_invitation(appointment, 30)
    sent = make_packet(clinic, appointment, status="submitted", language="es",
                       submitted_at=datetime.now(UTC), visit_date=date.today())
    fill(sent)
    draft = make_packet(clinic, patient_name="Pat Draft", date_of_birth=date(1980, 1, 2),
                        language="es")
    fill(draft)
    draft_link, _t, _c = create_resume_link(draft, 30)
    sent_link, _t, _c = create_resume_link(sent, 30)
    db.session.commit()
    from models import ClinicQuestion, ClinicTopic

    topic = db.session.scalar(db.select(ClinicTopic).filter_by(clinic_id=clinic.id))
    question = db.session.scalar(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id))
    values = {
        "filename": "css/app.css", "slug": clinic.slug, "packet_id": sent.id,
        "appointment_id": appointment.id, "user_id": admin.id, "topic_id": topic.id,
        "question_id": question.id, "object_id": question.id, "kind": "questions",
        "token": "not-a-real-token", "history_id": draft.history_items[0].id,
        "medication_id": draft.medications[0].id, "treatment_id": draft.treatments[0].id,
        "entry_id": draft.symptom_entries[0].id, "question_row_id": draft.questions[0].id,
        "patient_id": sent.patient_id,
    }
    return {"values": values, "admin": admin, "draft": draft, "draft_link": draft_link,
            "sent": sent, "sent_link": sent_link}


def patient_client(app, packet, link):
    """A patient's browser in Spanish, inside its packet."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    with client.session_transaction() as session:
        log_in(session, packet, link)
    return client


#: Pages that are not HTML for people, or that end the session.
SKIP = {"static", "health.healthz", "portal.fhir_questionnaire", "auth.enrol_qr",
        "patient.summary_pdf", "patient.summary_csv", "reception.packet_pdf",
        "reception.packet_fhir", "reception.packet_csv", "patient.leave", "patient.new_link",
        "auth.logout"}


def bank_wordings() -> list[str]:
    """The clinic's own question bank in English: the admin's data, shown as written."""
    from models import ClinicQuestion, ClinicTopic

    rows = [*db.session.scalars(db.select(ClinicTopic)), *db.session.scalars(
        db.select(ClinicQuestion))]
    return [text for row in rows for text in (getattr(row, "title", None),
            getattr(row, "blurb", None), getattr(row, "text", None)) if text]


def walk(app, client, kinds: set[str], world, typed=TYPED) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    pages = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if ACCESS.get(rule.endpoint) not in kinds:
            continue
        g.pop("csrf_token", None)
        response = client.get(url_for_rule(rule, world["values"]), follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert "<html" in html and response.status_code < 500, rule.rule
        pages += 1
        bad = untranslated(html, typed)
        if bad:
            problems[rule.rule] = bad
    assert pages > 5, pages
    return problems


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {sorted(set(chunks))}" for path, chunks in problems.items())


def test_the_checker_sees_a_hard_coded_word():
    assert untranslated("<p>⟦Save⟧</p><p>12 · 3.5</p>", []) == []
    assert untranslated("<p>⟦Step⟧ 3 of 9</p>", []) == ["3 of 9"]
    assert untranslated('<p>⟦Call <a href="tel:911">911</a> now.⟧</p>', []) == []
    assert untranslated('<button aria-label="Close">x</button>', []) == ["Close"]
    assert untranslated("<script>var a = 'hello';</script><p>⟦Hi⟧</p>", []) == []
    assert untranslated('<p data-saved="Saved now" data-copy="link-1">⟦Hi⟧</p>', []) == [
        "Saved now"]


def test_patient_pages_show_only_translated_words(pseudo_app, world):
    problems = {}
    draft = patient_client(pseudo_app, world["draft"], world["draft_link"])
    problems.update(walk(pseudo_app, draft, {"patient", "public", "way_in"}, world))
    sent = patient_client(pseudo_app, world["sent"], world["sent_link"])
    problems.update({f"(sent) {k}": v for k, v in
                     walk(pseudo_app, sent, {"patient_sent", "patient"}, world).items()})
    assert problems == {}, report(problems)


def test_reception_pages_show_only_translated_words(pseudo_app, world):
    client = pseudo_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert login(client, world["admin"].email).status_code == 303
    problems = walk(pseudo_app, client, {"staff", "admin"}, world, TYPED + bank_wordings())
    assert problems == {}, report(problems)
