"""Every answer reaches the doctor: the field-coverage test, made from content.questions.

Every field of every step and add form (content.questions.FORMS) is filled through the real
pages with its own sentinel answer, the packet is sent, and each answer is looked for in
the review page, the staff summary page, the PDF's text, the FHIR QuestionnaireResponse
and the CSV where its definition says it shows, and looked for in vain where its
definition leaves it off. A form field that no definition knows fails the first test.

Run it on PostgreSQL too: TEST_DATABASE_URL=postgresql+psycopg://... pytest this file.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from flask import g

from blueprints.patient import forms as patient_forms
from content import safety, vocab
from content.questions import (
    AS_EVIDENCE,
    AS_FLAG,
    COUNTED,
    FORMS,
    FORMS_BY_KEY,
    IN_ORDER,
    OUTPUTS,
    PATIENT_RESOURCE,
    Form,
    Question,
    answer_words,
)
from extensions import db
from models import Packet, PacketQuestion
from services import packets
from tests.patient.conftest import post_form
from tests.patient.test_nothing_lost import page, pdf_text, staff_client  # noqa: F401
from tests.summary.test_fhir import walk

#: Fields that carry no answer: the CSRF token, the version and fingerprint of what the
#: page showed, whether a "get help" message was shown.
PLUMBING = {"CSRFTokenField", "HiddenField"}


def form_classes(clinic) -> dict[str, type]:
    """Each definition's WTForms form, the dynamic ones made as their pages make them."""
    bank = packets.clinic_bank(clinic.id)
    assert bank, "the clinic has a question bank"

    class Asked:
        id = 1

    return {
        "visit": patient_forms.VisitForm,
        "bank": patient_forms.make_bank_form(bank, {"x": "A suggested question"}),
        "question": patient_forms.OwnQuestionForm,
        "order": patient_forms.make_order_form([Asked()]),
        "history": patient_forms.HistoryForm,
        "history_item": patient_forms.HistoryItemForm,
        "medication": patient_forms.MedicationForm,
        "treatment": patient_forms.TreatmentForm,
        "log_entry": patient_forms.SymptomEntryForm,
        "check": patient_forms.BodyCheckForm,
        "safety": patient_forms.SafetyForm,
        "submit": patient_forms.SubmitForm,
    }


def test_R10_every_form_field_has_a_definition_and_every_definition_a_field(app, clinic):
    classes = form_classes(clinic)
    assert set(classes) == set(FORMS_BY_KEY), "a form without definitions, or the reverse"
    with app.test_request_context():
        for key, cls in classes.items():
            definition = FORMS_BY_KEY[key]
            fields = [f for f in cls(formdata=None) if f.type not in PLUMBING]
            assert fields, key
            for f in fields:
                q = definition.question_for(f.name)
                assert q, f"{key}.{f.name}: a form field that content.questions does not define"
                # The field asks what the definition says, within its limits.
                if not q.field_name.endswith("*"):
                    assert str(f.label.text) == str(q.label), f"{key}.{f.name}: its label"
                assert (f.flags.maxchars or None) == q.max_chars, f"{key}.{f.name}: its limit"
                assert bool(f.flags.required) == q.required, f"{key}.{f.name}: required"
                if q.choices and q.choices != "areas":
                    offered = {str(c.value) for c in f.choices if c.value != ""}
                    assert offered <= {str(k) for k in vocab.LABELS[q.choices]}, f.name
            for q in definition.questions:
                assert any(q.owns(f.name) for f in fields), f"{key}.{q.key}: no form field"
            for q in definition.questions:
                assert set(q.left_off) | set(q.shown_as) <= set(OUTPUTS), q.key
                assert all(q.left_off.values()), f"{key}.{q.key}: left off without a reason"


def test_a_new_field_without_a_definition_is_caught(app, clinic):
    """The check above can fail: a field added to a form and to no definition."""

    class Grown(patient_forms.MedicationForm):
        brand = patient_forms.StringField("Brand")

    with app.test_request_context():
        names = [f.name for f in Grown(formdata=None) if f.type not in PLUMBING]
    assert [n for n in names if not FORMS_BY_KEY["medication"].question_for(n)] == ["brand"]


# Filling every field --------------------------------------------------------------------

TODAY = date.today()
#: Answers the definitions cannot pick by themselves (a phone number must look like one;
#: a history item is a test, so its kind of test counts; a treatment named beside its kind).
CHOSEN: dict[tuple[str, str], Any] = {
    ("visit", "contact_phone"): "555 013 4471 ext 42",
    ("visit", "date_of_birth"): date(1971, 4, 23),
    ("visit", "visit_date"): TODAY + timedelta(days=17),
    ("history_item", "kind"): "test",
    ("treatment", "kind"): "acupuncture",
    ("treatment", "effect"): "worse",
    ("log_entry", "recorded_at"): datetime.now().replace(second=0, microsecond=0)
    - timedelta(hours=2),
    ("log_entry", "pain"): 9,
    ("log_entry", "fatigue"): 8,
    ("log_entry", "sleep_hours"): 13.5,
    ("log_entry", "stiffness_minutes"): 1177,
    ("check", "fatigue"): 3,
    ("check", "unrefreshed"): 2,
    ("check", "cognitive"): 1,
    ("check", "three_months"): "unsure",
    ("history", "family_fibromyalgia"): "unsure",
    ("order", "top_rank"): 1,
}
#: Keys never picked by default: their words are "other" or "not sure", which the summary
#: leaves out on purpose (a choice of nothing in particular).
VAGUE = {"other", "unsure", ""}


def keys_of(question: Question) -> list[Any]:
    if question.choices == "areas":
        return [k for _key, _title, keys in patient_forms.AREA_GROUPS for k in keys]
    return [k for k in vocab.LABELS[question.choices] if k not in VAGUE]


def sentinel(form: Form, q: Question) -> Any:
    """The answer this test gives: its own words for text, a chosen key otherwise."""
    if (form.key, q.key) in CHOSEN:
        return CHOSEN[(form.key, q.key)]
    if q.kind in {"text", "long_text"}:
        return f"Sentinel {form.key} {q.key} end"
    if q.kind == "choice":
        return keys_of(q)[-1]
    if q.kind == "choices":
        return keys_of(q)[-2:]
    if q.kind in {"yes_no", "flag", "tick"}:
        return True
    raise AssertionError(f"{form.key}.{q.key}: no sentinel for kind {q.kind}")


def posted(form: Form, q: Question, value: Any) -> dict[str, Any]:
    """The form data that gives `value` as the answer to `q`."""
    if q.choices == "areas":
        return {f"{q.key}_{group}": [k for k in keys if k in value]
                for group, _title, keys in patient_forms.AREA_GROUPS}
    if q.kind == "datetime":
        return {q.field_name: value.strftime("%Y-%m-%dT%H:%M")}
    if q.kind == "date":
        return {q.field_name: value.isoformat()}
    if q.kind == "yes_no":
        return {q.field_name: "yes" if value else "no"}
    if q.kind in {"flag", "tick"}:
        return {q.field_name: "y"} if value else {}
    if isinstance(value, list):
        return {q.field_name: [str(v) for v in value]}
    return {q.field_name: str(value)}


def fill(form: Form, skip: tuple[str, ...] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """(form data, answers by key) for every question of `form` that has a field of its own."""
    data: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for q in form.questions:
        if q.key in skip or q.field_name.endswith("*") and q.choices != "areas":
            continue
        answers[q.key] = sentinel(form, q)
        data.update(posted(form, q, answers[q.key]))
    return data, answers


def saved(response) -> None:
    assert response.status_code == 303, page(response)[-3000:]


def fill_every_form(client) -> dict[tuple[str, str], Any]:
    """Fill every step and add form through its page; returns every answer given."""
    given: dict[tuple[str, str], Any] = {}

    def send(key: str, path: str, skip=(), extra=None, expect=saved, on=None):
        form = FORMS_BY_KEY[key]
        data, answers = fill(form, skip)
        response = post_form(client, path, {**data, **(extra or {})}, page=on)
        expect(response)
        given.update({(key, k): v for k, v in answers.items()})
        return response

    send("visit", "/p/visit")
    send("history", "/p/history")
    send("history_item", "/p/history/add")
    send("medication", "/p/medications/add")
    send("treatment", "/p/treatments/add")
    # The bank: the first question of every topic, and every question suggested so far.
    g.pop("csrf_token", None)
    bank_page = page(client.get("/p/questions"))
    ticks = {m[0]: m[1] for m in re.findall(
        r'name="(topic_\d+)"[^>]*value="(\d+)"', bank_page)}
    suggested = re.findall(r'name="suggested"[^>]*value="([^"]+)"', bank_page)
    assert ticks and suggested, "the bank page offers questions and suggestions"
    send("bank", "/p/questions", skip=("bank", "suggested"),
         extra={**ticks, "suggested": suggested})
    send("question", "/p/questions/mine", extra={"nav": "add"})
    own = db.session.scalar(db.select(PacketQuestion).filter_by(source="own"))
    given[("bank", "bank")] = [q.text for q in own.packet.questions if q.source == "bank"]
    given[("bank", "suggested")] = [q.text for q in own.packet.questions
                                    if q.source == "suggested"]
    assert given[("bank", "bank")] and given[("bank", "suggested")]
    saved(post_form(client, "/p/questions/mine", {f"rank_{own.id}": "1"},
                    page="/p/questions/mine"))
    given[("order", "top_rank")] = 1
    send("log_entry", "/p/log/new")
    send("check", "/p/check")

    def help_shown(response):
        # Emergency answers show "get help now" first; pressing on again moves on.
        assert response.status_code in {200, 303}

    response = send("safety", "/p/safety", expect=help_shown)
    if response.status_code == 200:
        saved(post_form(client, "/p/safety", {**fill(FORMS_BY_KEY["safety"])[0],
                                              "help_seen": "1"}))
    return given


# Where each answer is found --------------------------------------------------------------


def text_of(html: str) -> str:
    """A page's words: no tags, no entities, no break hints, single spaces."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    words = html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "")
    return " ".join(words.split())


def expected_words(app, q: Question, value: Any) -> list[str]:
    """What a page shows for the answer: its words, a date as the page writes it."""
    if q.kind == "date":
        with app.test_request_context():
            return [str(app.jinja_env.filters["date"](value))]
    if q.kind == "choices" and q.choices is None:
        return list(value)  # bank questions: their own words
    if q.kind == "choices":
        return [str(w) for w in answer_words(q, value).split(", ")] if q.choices != "areas" \
            else [answer_words(q, [v]) for v in value]
    return [answer_words(q, value)]


def squeezed(text: str) -> str:
    """Without spaces: a narrow PDF column may break a word across two lines."""
    return re.sub(r"\s+", "", text)


def on_page(app, text: str, q: Question, value: Any, squeeze: bool = False) -> bool:
    if squeeze:
        text = squeezed(text)
        if q.kind not in {"yes_no", "flag", "tick", "scale", "number", "integer"}:
            return all(squeezed(w) in text for w in expected_words(app, q, value))
    if q.kind == "flag":  # a tick shows as its words, only when ticked
        return any(squeezed(t).lower() in squeezed(text).lower() for t in {str(q.label), q.title})
    if q.kind in {"yes_no", "tick", "scale", "number", "integer"}:
        # A bare "Yes" or "9" says nothing: look for it right after its question's words.
        words = answer_words(q, value)
        titles = {str(q.label), q.title}
        pattern = r"[\s:]{0,3}" if not squeeze else r":?"
        return any(re.search(re.escape(squeezed(t) if squeeze else t) + pattern
                             + re.escape(words), text) for t in titles)
    return all(w in text for w in expected_words(app, q, value))


def fhir_answers(resource: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for _parent, item in walk(resource.get("item")):
        out.setdefault(item["linkId"], []).extend(item.get("answer", []))
    return out


def fhir_link_id(form: Form, q: Question) -> str:
    return f"{form.link_id}.{q.link_id}" if form.link_id else q.link_id


def in_fhir(q: Question, form: Form, value: Any, answers: dict[str, list[dict]]) -> bool:
    if form.key == "bank":  # bank questions are rows of the patient's questions
        found = [a.get("valueString") for a in answers.get("questions.text", [])]
        return all(v in found for v in value)
    if form.stored_as.get(q.key) == "history_item":
        found = " ".join(a.get("valueString", "") for a in answers.get("history.item.name", []))
        return all(str(vocab.label(q.choices, v)) in found for v in value)
    got = answers.get(fhir_link_id(form, q), [])
    values = value if isinstance(value, list) else [value]
    want = []
    for v in values:
        if q.kind in {"choice", "choices"}:
            want.append(str(v))
        elif q.kind in {"yes_no", "flag", "tick"}:
            want.append(bool(v))
        elif q.kind in {"scale", "integer"}:
            want.append(int(v))
        elif q.kind == "number":
            want.append(float(v))
        elif q.kind == "date":
            want.append(v.isoformat())
        elif q.kind == "datetime":
            want.append(v.strftime("%Y-%m-%dT%H:%M"))
        else:
            want.append(v)
    if q.kind in {"text", "long_text"}:  # some carry words before them ("X-ray: ...")
        return all(any(w in a.get("valueString", "") for a in got) for w in want)
    seen = []
    for a in got:
        (kind, v), = a.items()
        seen.append(v["code"] if kind == "valueCoding" else v[:16] if kind == "valueDateTime"
                    else v)
    return all(w in seen for w in want)


def in_csv(q: Question, value: Any, table: list[list[str]]) -> bool:
    column = table[0].index(q.title)
    cells = [row[column] for row in table[1:]]
    if q.kind in {"yes_no", "flag", "tick"}:
        return "yes" in cells
    if q.kind == "choices":
        return answer_words(q, value).replace(", ", "; ") in cells
    return answer_words(q, value) in cells


def warning_sign_words(key: str) -> str:
    question = next(s for s in safety.QUESTIONS if s.key == key)
    return str(question.staff_label)


def test_R10_every_answer_reaches_every_output_its_definition_names(
        app, client, started, staff_client):  # noqa: F811
    given = fill_every_form(client)
    review = text_of(page(client.get("/p/review")))
    assert "Review and send" in review
    closing, _answers = fill(FORMS_BY_KEY["submit"])
    response = post_form(client, "/p/review", closing)
    assert response.status_code == 303 and response.headers["Location"] == "/p/done", \
        text_of(page(response))[:2000]
    given.update({("submit", k): v for k, v in _answers.items()})
    # The patient's copy after sending: the same answers, the closing words with them.
    review += " " + text_of(page(client.get("/p/print")))
    packet_id = started.id
    base = f"/reception/packets/{packet_id}"
    summary = text_of(page(staff_client.get(base)))
    assert "Visit summary" in summary
    pdf_response = staff_client.get(f"{base}/summary.pdf")
    assert pdf_response.status_code == 200
    pdf = squeezed(pdf_text(pdf_response.data).replace("\u200b", ""))
    resource = json.loads(staff_client.get(f"{base}/fhir.json").data)
    assert resource["resourceType"] == "QuestionnaireResponse"
    fhir_text = json.dumps(resource.get("item", []), ensure_ascii=False)
    answers = fhir_answers(resource)
    csv_text = staff_client.get(f"{base}/log.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(csv_text)))
    assert len(table) == 2, "one log entry"
    patient = resource["contained"][0]

    assert db.session.get(Packet, packet_id).status == "submitted"
    missing: list[str] = []
    for form in FORMS:
        for q in form.questions:
            if (form.key, q.key) not in given:
                assert form.key == "order" and q.key == "move", f"{form.key}.{q.key}: not filled"
                continue
            value = given[(form.key, q.key)]
            own_words = q.kind in {"text", "long_text"} and isinstance(value, str) \
                and value.startswith("Sentinel")
            for output in OUTPUTS:
                where = f"{form.key}.{q.key} in {output}"
                how = q.shown_as.get(output)
                if not q.shows_in(output):
                    # Left off: its own words must not be there (the output was checked above).
                    if output == "fhir" and q.left_off[output] == PATIENT_RESOURCE:
                        facts = json.dumps(patient, ensure_ascii=False)
                        if str(value if q.kind != "date" else value.isoformat()) not in facts:
                            missing.append(f"{where} (the Patient resource)")
                    if own_words:
                        text = {"review": review, "summary": summary, "pdf": pdf,
                                "fhir": fhir_text, "csv": csv_text}[output]
                        words = squeezed(value) if output == "pdf" else value
                        assert words not in text, f"{where}: left off, yet it is there"
                    continue
                if how in {COUNTED, IN_ORDER}:
                    continue  # counted or ordered, not in words: tests/summary/test_stats.py
                if output == "fhir":
                    ok = in_fhir(q, form, value, answers)
                elif output == "csv":
                    ok = in_csv(q, value, table)
                elif how in {AS_FLAG, AS_EVIDENCE}:
                    words = warning_sign_words(q.key) if how == AS_FLAG else str(q.label)
                    ok = words in summary if output == "summary" else squeezed(words) in pdf
                elif form.key == "safety":
                    ok = str(q.label) in review  # listed under "You answered yes to"
                else:
                    text = {"review": review, "summary": summary, "pdf": pdf}[output]
                    ok = on_page(app, text, q, value, squeeze=output == "pdf")
                if not ok:
                    missing.append(where)
    assert missing == [], "answers dropped:\n" + "\n".join(missing)
