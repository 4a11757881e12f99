"""The page, the PDF and the FHIR JSON say the same things, for the demo packets and a long one."""

from __future__ import annotations

import html as htmllib
import re
from statistics import mean

import pytest
from flask import render_template

from extensions import db
from models import Packet
from services.demo import seed_demo
from services.fhir import questionnaire_response, validate
from services.formatting import format_date
from services.pdf import render_pdf
from services.summary import build_summary, load_packet
from tests.summary.builders import make_full_packet
from tests.summary.test_pdf import pdf_text


def page_text(app, summary) -> str:
    with app.test_request_context(f"/reception/packets/{summary.packet_id}"):
        markup = render_template("summary/_summary.html", summary=summary)
    text = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(htmllib.unescape(text).split())


def answers(resource: dict, link_id: str) -> list:
    found = []

    def walk(items):
        for item in items or []:
            if item["linkId"] == link_id:
                found.extend(next(iter(a.values())) for a in item.get("answer", []))
            walk(item.get("item"))

    walk(resource["item"])
    return found


def groups(resource: dict, link_id: str) -> list[dict]:
    return [i for i in resource["item"] if i["linkId"] == link_id]


def check_same_facts(app, packet_id: int) -> None:
    packet = load_packet(packet_id)
    summary = build_summary(packet, "staff")
    page = page_text(app, summary)
    with app.test_request_context():
        pdf = pdf_text(render_pdf(summary))
        resource = questionnaire_response(summary, packet, "http://localhost")
    validate(resource)
    one = lambda text: " ".join(text.split())  # noqa: E731

    # Who and when.
    for text in (page, pdf):
        assert summary.patient_name in text
        assert format_date(summary.date_of_birth) in text
    assert resource["contained"][0]["name"][0]["text"] == summary.patient_name
    assert resource["contained"][0]["birthDate"] == summary.date_of_birth.isoformat()
    assert resource["status"] == ("completed" if summary.is_submitted else "in-progress")

    # Red flags: each safety flag is a "yes" in FHIR and named on the page and in the PDF.
    yes = {link.removeprefix("safety."): True for link in [
        item["linkId"] for group in groups(resource, "safety") for item in group["item"]
        if item["answer"][0]["valueBoolean"]]}
    flagged = {f.source.removeprefix("safety:") for f in summary.flags
               if f.source.startswith("safety:")}
    assert flagged == set(yes)
    for flag in summary.flags:
        assert flag.label in page and flag.label in pdf

    # The top questions, in order.
    ranked = [q.text for q in summary.top_questions]
    fhir_top = sorted(
        (next(i["answer"][0]["valueInteger"] for i in g["item"] if i["linkId"] == "questions.top_rank"),
         next(i["answer"][0]["valueString"] for i in g["item"] if i["linkId"] == "questions.text"))
        for g in groups(resource, "questions")
        if any(i["linkId"] == "questions.top_rank" for i in g["item"])
    )
    assert [text for _, text in fhir_top] == ranked
    for text in ranked:
        assert one(text) in page and one(text) in pdf

    # The symptom log's numbers.
    stats = summary.stats
    pains = answers(resource, "log.entry.pain")
    assert len(pains) == stats.entries
    if stats.entries:
        assert (max(pains), min(pains)) == (stats.pain_worst, stats.pain_best)
        assert round(mean(pains), 1) == stats.pain_avg
        for text in (page, pdf):
            assert f"{stats.days_logged} days, {stats.entries} entries" in text
            assert f"average {stats.pain_avg} · best {stats.pain_best} · worst {stats.pain_worst}" in text
        numb = sum(1 for v in answers(resource, "log.entry.numbness") if v)
        assert numb == stats.numbness_entries

    # Medicines, and the patient's own words.
    assert answers(resource, "medications.name") == [m.name for m in summary.medications]
    for med in summary.medications:
        assert med.name in page and med.name in pdf
    for link_id, words in (("visit.reason", summary.reason),
                           ("closing_words", summary.closing_words)):
        if words:
            assert answers(resource, link_id) == [words]
            assert one(words) in page and one(words) in pdf

    # Scores are on the staff page and in the PDF, with their note.
    if summary.scores is not None:
        for text in (page, pdf):
            assert f"{summary.scores.wpi} / 19" in text
            assert "not a diagnosis" in text


def test_demo_packets_say_the_same_everywhere(app):
    seed_demo()
    ids = list(db.session.scalars(db.select(Packet.id).order_by(Packet.id)))
    assert len(ids) >= 6
    for packet_id in ids:
        check_same_facts(app, packet_id)


@pytest.mark.slow
def test_a_long_packet_says_the_same_everywhere(app, clinic):
    packet = make_full_packet(clinic, days=90, per_day=3, questions=30, medications=15,
                              treatments=8, safety_yes=("bladder", "fever", "walking"))
    check_same_facts(app, packet.id)
