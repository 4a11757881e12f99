"""FHIR R4 resources: the `Questionnaire` describing VisitPrep's forms and a
`QuestionnaireResponse` per packet, both made from ONE tree of `Item`s below.

Each `Item` says its linkId, text, type, choices and where its answer comes from; the
Questionnaire is the tree itself and the response is the tree filled in, so an answer's
text and type are always its question's. The items are made from the definitions in
content.questions (one per question of each step and add form, its text the question as
the patient is asked it), like the review page, the summary and the CSV.

Plain dicts, ready for `json.dumps`. The tests validate them with `fhir.resources.R4B`
(fhir.resources 8 defaults to R5; R4B keeps the R4 shape of these two resources) and with
the official FHIR R4 JSON schema. Link ids are stable: a receiving system can map them
once. Repeating groups (questions, medications, treatments, log entries, history) appear
once per row in the response. Pain carries LOINC 72514-3 as the Questionnaire item's
`code` (a response item links to it by linkId). No element is ever an empty array, and
no extension is used.

Canonical URLs start from services.public_url.public_base() (PUBLIC_BASE_URL): never from
the request's Host header (SECURITY.md A11).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l

from content.body import AREAS
from content.questions import (
    BODY_CHECK,
    HISTORY,
    HISTORY_ITEM,
    LOG_ENTRY_BY_KEY,
    MEDICATION,
    ORDER,
    QUESTION,
    SAFETY,
    SUBMIT,
    SYMPTOM_ENTRY,
    TREATMENT,
    VISIT,
    YES_NO_KINDS,
    Form,
    Question,
)
from content.vocab import LABELS, history_name
from services.since import since_lines
from services.summary import Summary, by_position

QUESTIONNAIRE_ID = "visitprep"
QUESTIONNAIRE_VERSION = "1.2.0"
#: Changes only when the Questionnaire's items change, so the resource stays stable.
QUESTIONNAIRE_DATE = "2026-12-01"
LOINC = "http://loinc.org"
PAIN_CODE = {"system": LOINC, "code": LOG_ENTRY_BY_KEY["pain"].loinc[0],
             "display": LOG_ENTRY_BY_KEY["pain"].loinc[1]}
#: content.questions kinds -> FHIR item types.
FHIR_TYPES = {"text": "string", "long_text": "text", "number": "decimal", "integer": "integer",
              "scale": "integer", "date": "date", "datetime": "dateTime", "choice": "choice",
              "choices": "choice", **dict.fromkeys(YES_NO_KINDS, "boolean")}
#: Code system names that are not the vocabulary's own name.
SYSTEM_NAMES = {"family_history": "yes-no-unsure", "areas": "body-areas"}


def canonical_base(base_url: str) -> str:
    return base_url.rstrip("/") + "/fhir"


def questionnaire_url(base_url: str) -> str:
    return f"{canonical_base(base_url)}/Questionnaire/{QUESTIONNAIRE_ID}"


def _system(base_url: str, vocab: str) -> str:
    return f"{canonical_base(base_url)}/CodeSystem/{SYSTEM_NAMES.get(vocab, vocab.replace('_', '-'))}"


def _labels(vocab: str) -> dict[Any, Any]:
    if vocab == "areas":
        return {a.key: a.label for a in AREAS}
    return LABELS[vocab]


@dataclass(frozen=True)
class Item:
    """One Questionnaire item and where its answer comes from."""

    link_id: str
    text: Any
    type: str
    #: The answer from the row this item is read against (a list when `repeats`).
    value: Callable[[Any], Any] | None = None
    #: For a choice: the vocabulary (content.vocab.LABELS name, or "areas").
    vocab: str | None = None
    repeats: bool = False
    required: bool = False
    code: tuple[dict, ...] = ()
    children: tuple[Item, ...] = ()
    #: For a group: the rows it is filled in from, once each (default: the parent's row).
    rows: Callable[[Any], Iterable[Any]] | None = None


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


def _from_question(prefix: str, q: Question, read: Callable[[Any], Any] | None = None) -> Item:
    link_id = f"{prefix}.{q.link_id}" if prefix else q.link_id
    return Item(link_id, q.label, FHIR_TYPES[q.kind], read or _attr(q.key),
                vocab=q.choices, repeats=q.kind == "choices", required=q.required,
                code=({"system": LOINC, "code": q.loinc[0], "display": q.loinc[1]},)
                if q.loinc else ())


def _answered(form: Form, reads: dict[str, Callable[[Any], Any]] | None = None,
              keys: Iterable[str] | None = None) -> tuple[Item, ...]:
    """The form's questions that FHIR shows (a `reads` entry reads one another way)."""
    reads = reads or {}
    return tuple(_from_question(form.link_id, q, reads.get(q.key)) for q in form.questions
                 if q.shows_in("fhir") and q.key not in form.stored_as
                 and (keys is None or q.key in keys))


def _group(form_or_id: Form | str, text: Any, *children: Item, **kw: Any) -> Item:
    if isinstance(form_or_id, Form):
        return Item(form_or_id.link_id, form_or_id.title, "group", children=children,
                    repeats=form_or_id.repeats, **kw)
    return Item(form_or_id, text, "group", children=children, **kw)


#: The whole packet, from the definitions in content.questions; each answer is read from
#: the Summary (`s`) or one of its packet's rows. The few items that are no form's question
#: (the appointment's time, a question's topic, what changed since last visit) sit beside.
TREE: tuple[Item, ...] = (
    _group(
        "since-last-visit", _l("Since last visit"),
        Item("since-last-visit.line", _l("What changed"), "string",
             lambda s: since_lines(s.since, s.is_staff), repeats=True),
    ),
    _group(
        VISIT, None,
        *_answered(VISIT, {"reason_prompts": lambda s: s.packet.reason_prompts},
                   keys=("visit_date",)),
        Item("visit.time", _l("Appointment date and time"), "dateTime",
             lambda s: s.appointment_at),
        *_answered(VISIT, {"reason_prompts": lambda s: s.packet.reason_prompts},
                   keys=("doctor", "reason", "reason_prompts", "hopes")),
    ),
    _group(
        QUESTION, None,
        *_answered(QUESTION),
        Item("questions.topic", _l("Topic"), "string", _attr("topic")),
        *_answered(ORDER),
        rows=lambda s: by_position(s.packet.questions),
    ),
    _group(
        HISTORY, None,
        _group(HISTORY_ITEM, None, *_answered(HISTORY_ITEM, {
            "name": lambda h: history_name(h.kind, h.name, h.test_kind)}),
            rows=lambda s: by_position(s.packet.history_items)),
        *_answered(HISTORY, {"history_note": lambda s: s.history_note,
                             "family_fibromyalgia": lambda s: s.packet.family_fibromyalgia}),
    ),
    _group(MEDICATION, None, *_answered(MEDICATION),
           rows=lambda s: by_position(s.packet.medications)),
    _group(TREATMENT, None, *_answered(TREATMENT),
           rows=lambda s: by_position(s.packet.treatments)),
    _group(
        "log", _l("Symptom log"),
        _group(SYMPTOM_ENTRY, None, *_answered(SYMPTOM_ENTRY), rows=lambda s: s.entries),
    ),
    _group(
        BODY_CHECK, None,
        *_answered(BODY_CHECK, {
            "areas": lambda c: [a.key for a in AREAS if a.key in set(c.areas or [])]}),
        rows=lambda s: [s.body_check] if s.body_check is not None else [],
    ),
    _group(SAFETY, None, *_answered(SAFETY, {
        q.key: (lambda s, key=q.key: s.safety_answers.get(key)) for q in SAFETY.questions})),
    *_answered(SUBMIT, {"closing_words": lambda s: s.closing_words}),
)


# The Questionnaire --------------------------------------------------------------------


def _definition(item: Item, base_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": str(item.text), "type": item.type}
    if item.code:
        out["code"] = list(item.code)
    if item.required:
        out["required"] = True
    if item.repeats:
        out["repeats"] = True
    if item.vocab:
        system = _system(base_url, item.vocab)
        out["answerOption"] = [
            {"valueCoding": {"system": system, "code": str(k), "display": str(v)}}
            for k, v in _labels(item.vocab).items()
        ]
    if item.children:
        out["item"] = [_definition(child, base_url) for child in item.children]
    return out


def questionnaire(base_url: str) -> dict[str, Any]:
    """The Questionnaire for every VisitPrep packet (the same for every clinic)."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(base_url),
        "version": QUESTIONNAIRE_VERSION,
        "name": "VisitPrepPacket",
        "title": "VisitPrep: getting ready for a visit about fibromyalgia or back pain",
        "status": "active",
        "subjectType": ["Patient"],
        "date": QUESTIONNAIRE_DATE,
        "publisher": "VisitPrep",
        "description": "What a patient prepares before a visit: questions, history, "
        "medicines, treatments tried, a symptom log with 0-10 pain ratings, the ACR 2016 "
        "self-report items and a back-pain safety check.",
        "item": [_definition(item, base_url) for item in TREE],
    }


# The response -------------------------------------------------------------------------


def _instant(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _wall_clock(moment: datetime, timezone: str) -> str:
    """A naive clinic wall-clock time with its offset, as FHIR dateTime requires."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return moment.replace(tzinfo=zone).isoformat(timespec="seconds")


def _answer(item: Item, value: Any, base_url: str, timezone: str) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    kind = item.type
    if kind == "choice":
        return {"valueCoding": {"system": _system(base_url, item.vocab), "code": str(value),
                                "display": str(_labels(item.vocab).get(value, value))}}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "decimal":
        return {"valueDecimal": float(value)}
    if kind == "dateTime":
        return {"valueDateTime": _wall_clock(value, timezone)}
    if kind == "date":
        return {"valueDate": (value.date() if isinstance(value, datetime) else value).isoformat()}
    return {"valueString": str(value)}


def _filled(item: Item, row: Any, base_url: str, timezone: str) -> list[dict[str, Any]]:
    """The response items for `item` read against `row` (none when nothing is answered)."""
    if item.type == "group":
        out = []
        for each in (item.rows(row) if item.rows else [row]):
            children = [c for child in item.children
                        for c in _filled(child, each, base_url, timezone)]
            if children:
                out.append({"linkId": item.link_id, "text": str(item.text), "item": children})
        return out
    value = item.value(row)
    values = list(value or []) if item.repeats else [value]
    answers = [a for a in (_answer(item, v, base_url, timezone) for v in values) if a]
    if not answers:
        return []
    return [{"linkId": item.link_id, "text": str(item.text), "answer": answers}]


def questionnaire_response(summary: Summary, raw: Any, base_url: str) -> dict[str, Any]:
    """The packet's answers as a QuestionnaireResponse.

    `summary` supplies the answers (its packet's rows are loaded already by the summary
    builder, so this costs no queries); `raw` is kept for callers that pass the packet.
    """
    b = base_url
    items = [i for item in TREE for i in _filled(item, summary, b, summary.clinic_timezone)]
    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    if summary.patient_name:
        patient["name"] = [{"text": summary.patient_name}]
    if summary.date_of_birth:
        patient["birthDate"] = summary.date_of_birth.isoformat()
    if summary.contact_phone:  # the number to call today, as the patient typed it
        patient["telecom"] = [{"system": "phone", "value": summary.contact_phone}]
    subject: dict[str, Any] = {"reference": "#patient"}
    if summary.patient_name:
        subject["display"] = summary.patient_name
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"packet-{summary.packet_id}",
        "contained": [patient],
        "identifier": {"system": f"{canonical_base(b)}/packet", "value": str(summary.packet_id)},
        "questionnaire": f"{questionnaire_url(b)}|{QUESTIONNAIRE_VERSION}",
        "status": "completed" if summary.is_submitted else "in-progress",
        "subject": subject,
    }
    if items:  # FHIR allows no empty arrays: an empty draft has no "item" at all
        response["item"] = items
    authored = summary.submitted_at if summary.is_submitted else summary.updated_at
    if authored is not None:
        response["authored"] = _instant(authored)
    return response


def validate(resource: dict[str, Any]):
    """Parse with fhir.resources' R4B models; raises if the resource is not valid."""
    from fhir.resources.R4B.questionnaire import Questionnaire
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    model = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse}[
        resource["resourceType"]
    ]
    return model.model_validate(resource)
