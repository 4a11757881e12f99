"""FHIR R4 resources: the `Questionnaire` describing VisitPrep's forms and a
`QuestionnaireResponse` per packet.

Plain dicts, ready for `json.dumps`. The tests validate them with `fhir.resources.R4B`
(fhir.resources 8 defaults to R5; R4B keeps the R4 shape of these two resources).

Link ids are stable: a receiving system can map them once. Repeating groups (questions,
medications, treatments, log entries, history) appear once per row in the response.
Pain answers carry LOINC 72514-3 ("Pain severity - 0-10 verbal numeric rating"): on the
Questionnaire item as `code`, and on each response item through the extension
`<base>/fhir/StructureDefinition/item-code`, because QuestionnaireResponse items have no
`code` element of their own in R4.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from content.body import AREA_BY_KEY, AREAS, SSS_EXTRAS, SSS_ITEMS
from content.safety import QUESTIONS as SAFETY_QUESTIONS
from content.vocab import (
    FAMILY_HISTORY,
    HISTORY_KINDS,
    MEDICATION_CLASS_CHOICES,
    MOODS,
    PAIN_QUALITIES,
    REASON_PROMPTS,
    RELIEFS,
    SSS_LEVELS,
    TREATMENT_EFFECTS,
    TREATMENTS,
    TRIGGERS,
    history_name,
    label,
)
from services.since import since_lines
from services.summary import Summary

QUESTIONNAIRE_ID = "visitprep"
QUESTIONNAIRE_VERSION = "1.0.0"
#: Changes only when the Questionnaire's items change, so the resource stays stable.
QUESTIONNAIRE_DATE = "2026-11-24"
LOINC = "http://loinc.org"
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
FATIGUE_PATH = "log.entry.fatigue"


def canonical_base(base_url: str) -> str:
    return base_url.rstrip("/") + "/fhir"


def questionnaire_url(base_url: str) -> str:
    return f"{canonical_base(base_url)}/Questionnaire/{QUESTIONNAIRE_ID}"


def item_code_extension_url(base_url: str) -> str:
    return f"{canonical_base(base_url)}/StructureDefinition/item-code"


def _system(base_url: str, vocab: str) -> str:
    return f"{canonical_base(base_url)}/CodeSystem/{vocab}"


def _options(base_url: str, vocab: str, choices) -> list[dict[str, Any]]:
    return [
        {"valueCoding": {"system": _system(base_url, vocab), "code": str(k), "display": str(v)}}
        for k, v in choices
    ]


def _q(link_id: str, text: str, kind: str, **extra: Any) -> dict[str, Any]:
    item = {"linkId": link_id, "text": str(text), "type": kind}
    item.update({k: v for k, v in extra.items() if v is not None})
    return item


def questionnaire(base_url: str) -> dict[str, Any]:
    """The Questionnaire for every VisitPrep packet (the same for every clinic)."""
    b = base_url
    areas = [(a.key, a.label) for a in AREAS]
    check_areas = _options(b, "body-areas", areas)
    items = [
        _q(
            "since-last-visit",
            _("Since last visit"),
            "group",
            item=[_q("since-last-visit.line", _("What changed"), "string", repeats=True)],
        ),
        _q(
            "visit",
            _("About the visit"),
            "group",
            item=[
                _q("visit.date", _("Appointment date"), "date"),
                _q("visit.doctor", _("Doctor"), "string"),
                _q("visit.reason", _("Reason for the visit"), "text"),
                _q(
                    "visit.reason_prompts",
                    _("Why you want to see a doctor"),
                    "choice",
                    repeats=True,
                    answerOption=_options(b, "reason-prompts", REASON_PROMPTS),
                ),
                _q("visit.hopes", _("What you hope to get out of the visit"), "text"),
            ],
        ),
        _q(
            "questions",
            _("My questions"),
            "group",
            repeats=True,
            item=[
                _q("questions.text", _("Question"), "text", required=True),
                _q("questions.topic", _("Topic"), "string"),
                _q("questions.top_rank", _("Most important today (1-3)"), "integer"),
            ],
        ),
        _q(
            "history",
            _("Medical history"),
            "group",
            item=[
                _q(
                    "history.item",
                    _("History item"),
                    "group",
                    repeats=True,
                    item=[
                        _q(
                            "history.item.kind",
                            _("Kind"),
                            "choice",
                            answerOption=_options(b, "history-kinds", HISTORY_KINDS),
                        ),
                        _q("history.item.name", _("What"), "string", required=True),
                        _q("history.item.when", _("About when"), "string"),
                        _q("history.item.detail", _("Result or detail"), "text"),
                    ],
                ),
                _q(
                    "history.family_fibromyalgia",
                    _("Family history of fibromyalgia"),
                    "choice",
                    answerOption=_options(b, "yes-no-unsure", FAMILY_HISTORY),
                ),
                _q("history.note", _("Other history"), "text"),
            ],
        ),
        _q(
            "medications",
            _("Medicines"),
            "group",
            repeats=True,
            item=[
                _q("medications.name", _("Medicine"), "string", required=True),
                _q(
                    "medications.class",
                    _("Kind of medicine"),
                    "choice",
                    answerOption=_options(b, "medication-classes", MEDICATION_CLASS_CHOICES),
                ),
                _q("medications.dose", _("Dose"), "string"),
                _q("medications.frequency", _("How often"), "string"),
                _q("medications.purpose", _("What it is for"), "string"),
                _q("medications.since", _("Since when"), "string"),
                _q("medications.side_effects", _("Side effects noticed"), "text"),
            ],
        ),
        _q(
            "treatments",
            _("Treatments tried"),
            "group",
            repeats=True,
            item=[
                _q(
                    "treatments.kind",
                    _("Treatment"),
                    "choice",
                    answerOption=_options(b, "treatments", TREATMENTS),
                ),
                _q("treatments.name", _("Name"), "string"),
                _q("treatments.when", _("When"), "string"),
                _q(
                    "treatments.effect",
                    _("How much it helped"),
                    "choice",
                    answerOption=_options(b, "treatment-effects", TREATMENT_EFFECTS),
                ),
                _q("treatments.still_doing", _("Still doing it"), "boolean"),
                _q("treatments.why_stopped", _("Why stopped"), "text"),
            ],
        ),
        _q(
            "log",
            _("Symptom log"),
            "group",
            item=[
                _q(
                    "log.entry",
                    _("Log entry"),
                    "group",
                    repeats=True,
                    item=[
                        _q("log.entry.recorded_at", _("Date and time"), "dateTime", required=True),
                        _q(
                            "log.entry.pain",
                            _("Pain, 0 (no pain) to 10 (worst pain you can imagine)"),
                            "integer",
                            required=True,
                            code=[PAIN_CODE],
                        ),
                        _q(FATIGUE_PATH, _("Tiredness, 0 to 10"), "integer"),
                        _q(
                            "log.entry.areas",
                            _("Where it hurts"),
                            "choice",
                            repeats=True,
                            answerOption=check_areas,
                        ),
                        _q("log.entry.where", _("Where, in your words"), "string"),
                        _q(
                            "log.entry.qualities",
                            _("What it feels like"),
                            "choice",
                            repeats=True,
                            answerOption=_options(b, "pain-qualities", PAIN_QUALITIES),
                        ),
                        _q(
                            "log.entry.worse_with",
                            _("What made it worse"),
                            "choice",
                            repeats=True,
                            answerOption=_options(b, "triggers", TRIGGERS),
                        ),
                        _q(
                            "log.entry.helped_with",
                            _("What helped"),
                            "choice",
                            repeats=True,
                            answerOption=_options(b, "reliefs", RELIEFS),
                        ),
                        _q("log.entry.sleep_hours", _("Sleep (hours)"), "decimal"),
                        _q("log.entry.rested", _("Woke rested"), "boolean"),
                        _q(
                            "log.entry.stiffness_minutes",
                            _("Morning stiffness (minutes)"),
                            "integer",
                        ),
                        _q("log.entry.numbness", _("Numbness or tingling"), "boolean"),
                        _q("log.entry.spasms", _("Spasms"), "boolean"),
                        _q("log.entry.headache", _("Headache"), "boolean"),
                        _q("log.entry.digestive", _("Digestive trouble"), "boolean"),
                        _q(
                            "log.entry.mood",
                            _("Mood"),
                            "choice",
                            answerOption=_options(b, "moods", MOODS),
                        ),
                        _q("log.entry.note", _("Note"), "text"),
                    ],
                ),
            ],
        ),
        _q(
            "check",
            _("Body and symptom check (past week)"),
            "group",
            item=[
                _q(
                    "check.areas",
                    _("Areas with pain in the past week"),
                    "choice",
                    repeats=True,
                    answerOption=check_areas,
                ),
                # The symptom severity items, worded as in the check itself (content.body).
                *(
                    _q(f"check.{key}", str(label), "choice",
                       answerOption=_options(b, "sss-levels", SSS_LEVELS))
                    for key, label in SSS_ITEMS.items()
                ),
                *(
                    _q(f"check.{key}", _("%(item)s (past 6 months)", item=label), "boolean")
                    for key, label in SSS_EXTRAS.items()
                ),
                _q(
                    "check.three_months",
                    _("Symptoms for 3 months or more"),
                    "choice",
                    answerOption=_options(b, "yes-no-unsure", FAMILY_HISTORY),
                ),
            ],
        ),
        _q(
            "safety",
            _("Safety check"),
            "group",
            item=[_q(f"safety.{q.key}", q.text, "boolean") for q in SAFETY_QUESTIONS],
        ),
        _q("closing_words", _("Anything else for the doctor"), "text"),
    ]
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
        "item": items,
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


def _coding(base_url: str, vocab: str, key: str, choices=None, text: object = None) -> dict:
    display = str(text) if text is not None else str(label(choices or vocab, key))
    return {
        "valueCoding": {"system": _system(base_url, vocab), "code": str(key), "display": display}
    }


def _a(link_id: str, text: str, *answers: dict[str, Any], **extra: Any) -> dict | None:
    answers = [a for a in answers if a]
    if not answers:
        return None
    item = {"linkId": link_id, "text": str(text), "answer": answers}
    item.update(extra)
    return item


def _str(value: str | None) -> dict | None:
    return {"valueString": value} if value else None


def _int(value: int | None) -> dict | None:
    return None if value is None else {"valueInteger": int(value)}


def _bool(value: bool | None) -> dict | None:
    return None if value is None else {"valueBoolean": bool(value)}


def _group(link_id: str, text: str, children: list[dict | None]) -> dict | None:
    children = [c for c in children if c]
    if not children:
        return None
    return {"linkId": link_id, "text": str(text), "item": children}


def _log_entry(entry, base_url: str, timezone: str) -> dict | None:
    b = base_url
    pain_ext = [{"url": item_code_extension_url(b), "valueCoding": PAIN_CODE}]
    area_answers = [
        _coding(b, "body-areas", k, text=AREA_BY_KEY[k].label)
        for k in (entry.areas or [])
        if k in AREA_BY_KEY
    ]
    return _group(
        "log.entry",
        _("Log entry"),
        [
            _a(
                "log.entry.recorded_at",
                _("Date and time"),
                {"valueDateTime": _wall_clock(entry.recorded_at, timezone)},
            ),
            _a("log.entry.pain", _("Pain, 0 to 10"), _int(entry.pain), extension=pain_ext),
            _a(FATIGUE_PATH, _("Tiredness, 0 to 10"), _int(entry.fatigue)),
            _a("log.entry.areas", _("Where it hurts"), *area_answers),
            _a("log.entry.where", _("Where, in your words"), _str(entry.where_text)),
            _a(
                "log.entry.qualities",
                _("What it feels like"),
                *[_coding(b, "pain-qualities", k, "pain_qualities") for k in entry.qualities or []],
            ),
            _a(
                "log.entry.worse_with",
                _("What made it worse"),
                *[_coding(b, "triggers", k) for k in entry.worse_with or []],
            ),
            _a(
                "log.entry.helped_with",
                _("What helped"),
                *[_coding(b, "reliefs", k) for k in entry.helped_with or []],
            ),
            _a(
                "log.entry.sleep_hours",
                _("Sleep (hours)"),
                None if entry.sleep_hours is None else {"valueDecimal": float(entry.sleep_hours)},
            ),
            _a("log.entry.rested", _("Woke rested"), _bool(entry.rested)),
            _a(
                "log.entry.stiffness_minutes",
                _("Morning stiffness (minutes)"),
                _int(entry.stiffness_minutes),
            ),
            _a("log.entry.numbness", _("Numbness or tingling"), _bool(entry.numbness)),
            _a("log.entry.spasms", _("Spasms"), _bool(entry.spasms)),
            _a("log.entry.headache", _("Headache"), _bool(entry.headache)),
            _a("log.entry.digestive", _("Digestive trouble"), _bool(entry.digestive)),
            _a(
                "log.entry.mood", _("Mood"), _coding(b, "moods", entry.mood) if entry.mood else None
            ),
            _a("log.entry.note", _("Note"), _str(entry.note)),
        ],
    )


def _check(check, base_url: str) -> dict | None:
    if check is None:
        return None
    b = base_url

    def level(key: str) -> dict | None:
        value = getattr(check, key)
        return None if value is None else _coding(b, "sss-levels", value, "sss_levels")

    return _group(
        "check",
        _("Body and symptom check (past week)"),
        [
            _a(
                "check.areas",
                _("Areas with pain in the past week"),
                *[
                    _coding(b, "body-areas", a.key, text=a.label)
                    for a in AREAS
                    if a.key in set(check.areas or [])
                ],
            ),
            _a("check.fatigue", _("Tiredness"), level("fatigue")),
            _a("check.unrefreshed", _("Waking up still tired"), level("unrefreshed")),
            _a("check.cognitive", _("Trouble thinking or remembering"), level("cognitive")),
            _a("check.headaches", _("Headaches (past 6 months)"), _bool(check.headaches)),
            _a(
                "check.lower_abdomen",
                _("Pain or cramps in the lower belly (past 6 months)"),
                _bool(check.lower_abdomen),
            ),
            _a("check.depression", _("Feeling depressed (past 6 months)"), _bool(check.depression)),
            _a(
                "check.three_months",
                _("Symptoms for 3 months or more"),
                _coding(b, "yes-no-unsure", check.three_months, "family_history")
                if check.three_months
                else None,
            ),
        ],
    )


def questionnaire_response(summary: Summary, raw: Any, base_url: str) -> dict[str, Any]:
    """The packet's answers as a QuestionnaireResponse.

    `summary` supplies what the page shows; `raw` is the packet (its rows are loaded
    already by the summary builder, so this costs no queries).
    """
    b = base_url
    tz = summary.clinic_timezone
    packet = raw
    items: list[dict | None] = [
        _group(
            "since-last-visit",
            _("Since last visit"),
            [_a("since-last-visit.line", _("What changed"),
                *[_str(line) for line in since_lines(summary.since, summary.is_staff)])]
            if summary.since else [],
        ),
        _group(
            "visit",
            _("About the visit"),
            [
                _a(
                    "visit.date",
                    _("Appointment date"),
                    {"valueDate": summary.visit_date.isoformat()} if summary.visit_date else None,
                ),
                _a("visit.doctor", _("Doctor"), _str(summary.doctor)),
                _a("visit.reason", _("Reason for the visit"), _str(summary.reason)),
                _a(
                    "visit.reason_prompts",
                    _("Why you want to see a doctor"),
                    *[
                        _coding(b, "reason-prompts", k, "reason_prompts")
                        for k in packet.reason_prompts or []
                    ],
                ),
                _a("visit.hopes", _("What you hope to get out of the visit"), _str(summary.hopes)),
            ],
        ),
    ]
    for q in sorted(packet.questions, key=lambda q: (q.position, q.id or 0)):
        items.append(
            _group(
                "questions",
                _("My questions"),
                [
                    _a("questions.text", _("Question"), _str(q.text)),
                    _a("questions.topic", _("Topic"), _str(q.topic)),
                    _a("questions.top_rank", _("Most important today (1-3)"), _int(q.top_rank)),
                ],
            )
        )
    history = [
        _group(
            "history.item",
            _("History item"),
            [
                _a(
                    "history.item.kind",
                    _("Kind"),
                    _coding(b, "history-kinds", h.kind, "history_kinds"),
                ),
                _a(
                    "history.item.name",
                    _("What"),
                    _str(history_name(h.kind, h.name, h.test_kind)),
                ),
                _a("history.item.when", _("About when"), _str(h.when_text)),
                _a("history.item.detail", _("Result or detail"), _str(h.detail)),
            ],
        )
        for h in sorted(packet.history_items, key=lambda h: h.position)
    ]
    items.append(
        _group(
            "history",
            _("Medical history"),
            [
                *history,
                _a(
                    "history.family_fibromyalgia",
                    _("Family history of fibromyalgia"),
                    _coding(b, "yes-no-unsure", packet.family_fibromyalgia, "family_history")
                    if packet.family_fibromyalgia
                    else None,
                ),
                _a("history.note", _("Other history"), _str(packet.history_note)),
            ],
        )
    )
    for m in sorted(packet.medications, key=lambda m: m.position):
        items.append(
            _group(
                "medications",
                _("Medicines"),
                [
                    _a("medications.name", _("Medicine"), _str(m.name)),
                    _a(
                        "medications.class",
                        _("Kind of medicine"),
                        _coding(b, "medication-classes", m.drug_class, "medication_classes")
                        if m.drug_class
                        else None,
                    ),
                    _a("medications.dose", _("Dose"), _str(m.dose)),
                    _a(
                        "medications.frequency",
                        _("How often"),
                        _str(str(label("frequencies", m.frequency)) if m.frequency else ""),
                    ),
                    _a("medications.purpose", _("What it is for"), _str(m.purpose)),
                    _a("medications.since", _("Since when"), _str(m.since_text)),
                    _a("medications.side_effects", _("Side effects noticed"), _str(m.side_effects)),
                ],
            )
        )
    for t in sorted(packet.treatments, key=lambda t: t.position):
        items.append(
            _group(
                "treatments",
                _("Treatments tried"),
                [
                    _a("treatments.kind", _("Treatment"), _coding(b, "treatments", t.kind)),
                    _a("treatments.name", _("Name"), _str(t.name)),
                    _a("treatments.when", _("When"), _str(t.when_text)),
                    _a(
                        "treatments.effect",
                        _("How much it helped"),
                        _coding(b, "treatment-effects", t.effect, "treatment_effects"),
                    ),
                    _a("treatments.still_doing", _("Still doing it"), _bool(t.still_doing)),
                    _a("treatments.why_stopped", _("Why stopped"), _str(t.why_stopped)),
                ],
            )
        )
    items.append(_group("log", _("Symptom log"), [_log_entry(e, b, tz) for e in summary.entries]))
    items.append(_check(summary.body_check, b))
    answered = summary.safety_answers
    items.append(
        _group(
            "safety",
            _("Safety check"),
            [_a(f"safety.{q.key}", q.text, _bool(answered.get(q.key))) for q in SAFETY_QUESTIONS],
        )
    )
    items.append(
        _a("closing_words", _("Anything else for the doctor"), _str(summary.closing_words))
    )

    patient: dict[str, Any] = {"resourceType": "Patient", "id": "patient"}
    if summary.patient_name:
        patient["name"] = [{"text": summary.patient_name}]
    if summary.date_of_birth:
        patient["birthDate"] = summary.date_of_birth.isoformat()
    authored = summary.submitted_at if summary.is_submitted else summary.updated_at
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"packet-{summary.packet_id}",
        "contained": [patient],
        "identifier": {"system": f"{canonical_base(b)}/packet", "value": str(summary.packet_id)},
        "questionnaire": f"{questionnaire_url(b)}|{QUESTIONNAIRE_VERSION}",
        "status": "completed" if summary.is_submitted else "in-progress",
        "subject": {"reference": "#patient", "display": summary.patient_name or None},
        "item": [i for i in items if i],
    }
    if response["subject"]["display"] is None:
        del response["subject"]["display"]
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
