"""FHIR R4 resources, validated with fhir.resources' R4B models (the package defaults to R5)."""

from __future__ import annotations

import json

import fhir.resources

from models import Packet
from services.fhir import (
    PAIN_CODE,
    QUESTIONNAIRE_VERSION,
    item_code_extension_url,
    questionnaire,
    questionnaire_response,
    questionnaire_url,
    validate,
)
from services.summary import build_summary, load_packet
from tests.summary.builders import make_full_packet

BASE = "https://clinic.example"


def walk(items, parent=""):
    """(parent link id, item) for every item, answers' nested items included."""
    for item in items or []:
        yield parent, item
        yield from walk(item.get("item"), item["linkId"])
        for answer in item.get("answer", []):
            yield from walk(answer.get("item"), item["linkId"])


def response_for(packet: Packet) -> dict:
    packet = load_packet(packet.id)
    return questionnaire_response(build_summary(packet, "staff"), packet, BASE)


def test_the_package_defaults_to_r5_so_we_validate_with_r4b():
    assert fhir.resources.__fhir_version__.startswith("5.")
    from fhir.resources.R4B import __fhir_version__ as r4b

    assert r4b.startswith("4.3")


def test_questionnaire_is_valid_and_its_link_ids_are_unique(app):
    resource = questionnaire(BASE)
    model = validate(resource)
    assert model.url == questionnaire_url(BASE) == f"{BASE}/fhir/Questionnaire/visitprep"
    link_ids = [item["linkId"] for _, item in walk(resource["item"])]
    assert len(link_ids) == len(set(link_ids))
    pain = next(item for _, item in walk(resource["item"]) if item["linkId"] == "log.entry.pain")
    assert pain["code"] == [PAIN_CODE] and PAIN_CODE["code"] == "72514-3"
    assert pain["type"] == "integer"


def test_questionnaire_is_public_and_stable(client):
    first = client.get("/fhir/Questionnaire/visitprep")
    second = client.get("/fhir/Questionnaire/visitprep")
    assert first.status_code == 200
    assert first.mimetype == "application/fhir+json"
    assert first.data == second.data
    resource = json.loads(first.data)
    validate(resource)
    assert resource["url"] == "http://localhost/fhir/Questionnaire/visitprep"


def test_questionnaire_url_follows_public_base_url(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://visitprep.example.org"
    resource = client.get("/fhir/Questionnaire/visitprep").get_json(force=True)
    assert resource["url"] == "https://visitprep.example.org/fhir/Questionnaire/visitprep"


def test_submitted_packet_is_a_completed_valid_response(app, clinic):
    packet = make_full_packet(clinic, days=5, per_day=2)
    resource = response_for(packet)
    validate(resource)
    assert resource["status"] == "completed"
    assert resource["authored"] == "2026-11-02T15:30:00Z"
    assert resource["questionnaire"] == f"{questionnaire_url(BASE)}|{QUESTIONNAIRE_VERSION}"
    patient = resource["contained"][0]
    assert patient == {"resourceType": "Patient", "id": "patient",
                       "name": [{"text": "Jordan Avery"}], "birthDate": "1972-03-14"}
    assert resource["subject"]["reference"] == "#patient"


def test_draft_packet_is_in_progress(app, clinic):
    packet = make_full_packet(clinic, days=1, status="draft")
    resource = response_for(packet)
    validate(resource)
    assert resource["status"] == "in-progress"
    assert resource["authored"].endswith("Z")


def test_every_answer_belongs_to_a_questionnaire_item_in_the_same_place(app, clinic):
    form = {item["linkId"]: parent for parent, item in walk(questionnaire(BASE)["item"])}
    resource = response_for(make_full_packet(clinic, days=3))
    for parent, item in walk(resource["item"]):
        assert item["linkId"] in form, item["linkId"]
        assert form[item["linkId"]] == parent, item["linkId"]


def test_pain_answers_carry_loinc_and_match_the_log(app, clinic):
    packet = make_full_packet(clinic, days=4, per_day=2)
    resource = response_for(packet)
    entries = [item for _, item in walk(resource["item"]) if item["linkId"] == "log.entry"]
    pains = [item for _, item in walk(resource["item"]) if item["linkId"] == "log.entry.pain"]
    assert len(entries) == len(pains) == 8
    loaded = load_packet(packet.id)
    assert [p["answer"][0]["valueInteger"] for p in pains] == [
        e.pain for e in sorted(loaded.symptom_entries, key=lambda e: e.recorded_at)
    ]
    for pain in pains:
        assert pain["extension"] == [
            {"url": item_code_extension_url(BASE), "valueCoding": PAIN_CODE}
        ]


def test_log_times_carry_the_clinic_offset(app, clinic):
    resource = response_for(make_full_packet(clinic, days=1))
    when = next(item for _, item in walk(resource["item"])
                if item["linkId"] == "log.entry.recorded_at")
    # America/New_York in August is four hours behind UTC.
    assert when["answer"][0]["valueDateTime"] == "2026-08-01T08:00:00-04:00"


def test_safety_answers_and_scores_inputs_are_all_there(app, clinic):
    resource = response_for(make_full_packet(clinic, safety_yes=("bladder",)))
    answers = {item["linkId"]: item["answer"][0] for _, item in walk(resource["item"])
               if "answer" in item}
    assert answers["safety.bladder"] == {"valueBoolean": True}
    assert answers["safety.fever"] == {"valueBoolean": False}
    assert answers["check.three_months"]["valueCoding"]["code"] == "yes"
    assert answers["check.fatigue"]["valueCoding"]["code"] == "2"
