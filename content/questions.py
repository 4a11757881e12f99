"""One definition of each question: what it asks, what kind of answer, and where it shows.

A `Question` is the single source the outputs read: the review page, the visit summary
(page and PDF), the CSV and the FHIR resources take a question's label, kind, choices and
limits from here, and a question is left off an output only with a named reason
(`left_off`). `FORMS` lists every step and add form of the patient's packet with its
questions; the field-coverage test (tests/patient/test_field_coverage.py) fills every one
of them through the real pages and looks for each answer where its definition says it
shows, so a form field that no definition knows, or an answer an output drops, fails it.

Kinds: text, long_text, number (with min/max), integer, date, datetime, choice (one of
`choices`), choices (several), yes_no, scale (0-10), flag (a tick-box: yes or nothing), tick
(a tick-box of a "tick any you had" list: yes, or no once its page is saved).
`choices` names a vocabulary in content.vocab.LABELS, or "areas" for content.body.AREAS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from content import body, safety, vocab
from models import FLAG_NONE

#: The outputs a question can reach, and those of them a person reads as a page.
OUTPUTS = ("review", "summary", "pdf", "csv", "fhir")
PAGES = ("review", "summary", "pdf")

#: Why a question is left off an output. The words say it to whoever reads the code (they
#: are never shown to a user, so they are not translated).
STAFF_ONLY = "staff only: the patient's copy of the summary leaves it out"
HEADING = "the entry's heading"
#: The CSV export is the symptom log, one row per entry.
LOG_ONLY = "the CSV is the symptom log"
#: Who the patient is goes into the FHIR Patient resource the response contains.
PATIENT_RESOURCE = "the FHIR Patient resource, not an answer"
#: The summary counts a log entry's numbers and ticks across the log (services.stats).
COUNTED = "counted in the log statistics"
#: The most important questions lead the summary, in their order.
IN_ORDER = "the order of the most important questions"
#: A warning sign shows on the summary as its flag (content.safety staff_label), not as
#: the question asked.
AS_FLAG = "shown as its warning sign"
#: A question that raises no warning sign of its own shows in the evidence of the ones it
#: goes with (content.safety with_key), where its words are quoted; said alone, it is listed
#: after the red flags (services.flags.safety_facts).
AS_EVIDENCE = "quoted in the evidence of the warning signs it goes with, or listed alone"
#: A form control that only moves or orders things, with no answer of its own.
CONTROL = "a button or an order, not an answer"
#: A list row's kind that its rows are grouped under, as the group's heading.
AS_GROUP = "the heading of its group of rows"
#: An answer written into the row's name (a test's kind: "X-ray: lower back").
IN_NAME = "part of the row's name"

#: The kinds whose answer is a yes or a no (stored as true or false), and of them those
#: asked with a tick-box (an empty box: no).
YES_NO_KINDS = frozenset({"yes_no", "flag", "tick"})
TICK_BOX_KINDS = frozenset({"flag", "tick"})

#: Choices that name nothing in particular: beside words the patient typed they say
#: nothing more, so a row leaves them out there (services.summary.RowLine.cells).
VAGUE = frozenset({"other", "unsure"})


@dataclass(frozen=True)
class Question:
    #: The attribute of the row that holds the answer (and the form field's name).
    key: str
    label: Any
    kind: str
    hint: Any = None
    choices: str | None = None
    min: float | None = None
    max: float | None = None
    #: The most characters a text answer may have (checked by the server, never cut).
    max_chars: int | None = None
    required: bool = False
    #: A shorter heading where the answer is listed under it: the review page, a CSV
    #: column (defaults to `label`).
    short: Any = None
    #: The FHIR linkId below its group (stable: receiving systems map it once), and a
    #: LOINC (code, display) when one fits.
    link_id: str = ""
    loinc: tuple[str, str] | None = None
    #: Output name -> the reason it is left off there (every other output shows it).
    left_off: dict[str, Any] = field(default_factory=dict)
    #: Output name -> how it shows there when not in its own words (e.g. COUNTED).
    shown_as: dict[str, str] = field(default_factory=dict)
    #: The form field's name when it is not `key`; a name ending in "*" stands for the
    #: fields that start with it (one per body-area group, bank topic or question).
    field: str | None = None
    #: Where a row is laid out in cells (the summary's tables, the review page's lines):
    #: the key of the question whose cell shows this answer too, after its words.
    beside: str | None = None

    def shows_in(self, output: str) -> bool:
        return output not in self.left_off

    @property
    def title(self) -> str:
        return str(self.short or self.label)

    @property
    def field_name(self) -> str:
        return self.field or (f"{self.key}_*" if self.choices == "areas" else self.key)

    def owns(self, field_name: str) -> bool:
        """Whether the form field of that name holds this question's answer."""
        name = self.field_name
        return field_name.startswith(name[:-1]) if name.endswith("*") else field_name == name


def _choice_labels(name: str | None) -> dict[Any, Any]:
    if name == "areas":
        return {a.key: a.label for a in body.AREAS}
    return vocab.LABELS.get(name or "", {})


def answer_words(question: Question, value: Any) -> str:
    """The answer in the words a person reads ("" when there is none)."""
    if value is None or value == "" or value == []:
        return ""
    kind = question.kind
    if kind == "choices":
        labels = _choice_labels(question.choices)
        return ", ".join(str(labels.get(v, v)) for v in value)
    if kind == "choice":
        return str(_choice_labels(question.choices).get(value, value))
    if kind in YES_NO_KINDS:
        if kind == "flag" and not value:
            return ""
        return _("Yes") if value else _("No")
    if kind == "number":
        return f"{float(value):g}"
    if kind == "datetime" and isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if kind == "date" and isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def answers(questions: Iterable[Question], row: Any, output: str) -> list[tuple[str, str]]:
    """(title, words) for each answered question of `row` that `output` shows."""
    out = []
    for question in questions:
        if not question.shows_in(output):
            continue
        words = answer_words(question, getattr(row, question.key))
        if words:
            out.append((question.title, words))
    return out


# The symptom log ----------------------------------------------------------------------

#: On the summary (page and PDF) the log's numbers and ticks are counted across entries.
_COUNTED = {"summary": COUNTED, "pdf": COUNTED}

LOG_ENTRY: tuple[Question, ...] = (
    Question("recorded_at", _l("When was this?"), "datetime", required=True,
             short=_l("Date and time"), link_id="recorded_at",
             left_off={"review": HEADING, "summary": HEADING, "pdf": HEADING}),
    Question("pain", _l("How bad is your pain?"), "scale", min=0, max=10, required=True,
             short=_l("Pain (0-10)"), link_id="pain",
             hint=_l("From 0 (%(low)s) to 10 (%(high)s).", low=vocab.PAIN_SCALE_WORDS["low"],
                     high=vocab.PAIN_SCALE_WORDS["high"]), shown_as=_COUNTED,
             loinc=("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")),
    Question("fatigue", _l("How tired do you feel?"), "scale", min=0, max=10,
             short=_l("Tiredness (0-10)"), link_id="fatigue",
             hint=_l("From 0 (%(low)s) to 10 (%(high)s).", low=vocab.FATIGUE_SCALE_WORDS["low"],
                     high=vocab.FATIGUE_SCALE_WORDS["high"]), shown_as=_COUNTED),
    Question("areas", _l("Where does it hurt?"), "choices", choices="areas",
             short=_l("Where it hurt"), link_id="areas"),
    Question("where_text", _l("Where else does it hurt, or more about where"), "text",
             max_chars=500, short=_l("Where, in own words"), link_id="where"),
    Question("qualities", _l("What does it feel like?"), "choices", choices="pain_qualities",
             short=_l("What it felt like"), link_id="qualities"),
    Question("worse_with", _l("What made it worse?"), "choices", choices="triggers",
             short=_l("Made it worse"), link_id="worse_with"),
    Question("helped_with", _l("What helped?"), "choices", choices="reliefs",
             short=_l("Helped"), link_id="helped_with"),
    Question("sleep_hours", _l("Hours of sleep last night"), "number", min=0, max=24,
             short=_l("Sleep (hours)"), link_id="sleep_hours", shown_as=_COUNTED),
    Question("rested", _l("Did you wake up rested?"), "yes_no", short=_l("Woke rested"),
             link_id="rested", shown_as=_COUNTED),
    Question("stiffness_minutes", _l("Morning stiffness: about how many minutes?"), "integer",
             min=0, max=1440, short=_l("Morning stiffness (minutes)"),
             hint=_l("0 if you were not stiff. 60 minutes is one hour."),
             link_id="stiffness_minutes", shown_as=_COUNTED),
    Question("numbness", _l("Numbness or tingling"), "flag", link_id="numbness", shown_as=_COUNTED),
    Question("spasms", _l("Muscle spasms"), "flag", short=_l("Spasms"), link_id="spasms", shown_as=_COUNTED),
    Question("headache", _l("Headache"), "flag", link_id="headache", shown_as=_COUNTED),
    Question("digestive", _l("Stomach or bowel trouble"), "flag", short=_l("Digestive trouble"),
             link_id="digestive", shown_as=_COUNTED),
    Question("mood", _l("How is your mood?"), "choice", choices="moods", short=_l("Mood"),
             link_id="mood"),
    Question("note", _l("Anything else about today"), "long_text", max_chars=4000,
             short=_l("Note"), link_id="note"),
)

#: The once-a-day answers ("last night", "this morning"): when a new entry keeps them from
#: the entry before, they are marked carried and counted once per day (services.stats).
CARRIED_DAILY = ("sleep_hours", "rested", "stiffness_minutes")

LOG_ENTRY_BY_KEY = {q.key: q for q in LOG_ENTRY}


# Every step and add form ---------------------------------------------------------------

#: Outputs a question of a step (not the log) is left off, and why.
NOT_IN_CSV = {"csv": LOG_ONLY}


def _q(key: str, label: Any, kind: str, **kw: Any) -> Question:
    """A question of a step other than the symptom log (which alone has CSV columns)."""
    kw["left_off"] = {**NOT_IN_CSV, **kw.get("left_off", {})}
    return Question(key, label, kind, link_id=kw.pop("link_id", key), **kw)


#: Whose words become rows of another form (ticked conditions become history items,
#: ticked bank questions become the patient's questions): `stored_as` names that form.
AS_ROWS = "rows of another form"


@dataclass(frozen=True)
class Form:
    """One step or add form of the packet, its questions in the order the form asks them."""

    key: str
    title: Any
    #: The FHIR group the answers go into (one per row for a repeating group).
    link_id: str
    questions: tuple[Question, ...]
    repeats: bool = False
    #: The form whose rows this form's answers become (see AS_ROWS), by question key.
    stored_as: dict[str, str] = field(default_factory=dict)

    def question_for(self, field_name: str) -> Question | None:
        return next((q for q in self.questions if q.owns(field_name)), None)

    def cells(self, output: str) -> list[Question]:
        """The questions with a cell of their own where `output` lays a row out: shown
        there in their own words, beside no other (a table's columns, in order)."""
        return [q for q in self.questions
                if q.shows_in(output) and output not in q.shown_as and not q.beside]

    def beside(self, key: str) -> list[Question]:
        """The questions shown in the cell of question `key`."""
        return [q for q in self.questions if q.beside == key]


VISIT = Form("visit", _l("About the visit"), "visit", (
    _q("patient_name", _l("Your name"), "text", max_chars=120, short=_l("Name"),
       left_off={"fhir": PATIENT_RESOURCE}),
    _q("date_of_birth", _l("Your date of birth"), "date", left_off={"fhir": PATIENT_RESOURCE},
       short=_l("Date of birth"),
       hint=_l("We use it to check it is you when you come back.")),
    _q("visit_date", _l("Date of your visit"), "date", link_id="date", short=_l("Visit")),
    _q("doctor", _l("Doctor you will see"), "text", max_chars=120, short=_l("Doctor")),
    _q("reason_prompts", _l("Why do you want to see the doctor?"), "choices",
       choices="reason_prompts", hint=_l("Tick any that fit."), short=_l("Why I am coming")),
    _q("reason", _l("The main reason for your visit, in your own words"), "long_text",
       max_chars=4000, short=_l("The main reason"),
       hint=_l("For example: my lower back has hurt most days for three months.")),
    _q("hopes", _l("What do you hope to get from this visit?"), "long_text", max_chars=4000,
       short=_l("What I hope for")),
    _q("contact_phone", _l("A phone number the clinic can call you on today"), "text",
       max_chars=40, left_off={"fhir": PATIENT_RESOURCE}, short=_l("Phone today"),
       hint=_l("If one of your answers needs a quick call, the clinic uses this number.")),
))

#: The question bank's tick-boxes (one field per topic) and the suggested questions: each
#: ticked one becomes a row of QUESTION, so its words show where QUESTION's text shows.
BANK = Form("bank", _l("My questions"), "questions", (
    _q("bank", _l("Questions from the clinic's list"), "choices", field="topic_*"),
    _q("suggested", _l("Suggested from your answers"), "choices"),
), stored_as={"bank": "question", "suggested": "question"})

QUESTION = Form("question", _l("My questions"), "questions", (
    _q("text", _l("Your question"), "long_text", max_chars=500, required=True),
), repeats=True)

#: "Most important today" and moving a question: the order of QUESTION's rows.
ORDER = Form("order", _l("My questions"), "questions", (
    _q("top_rank", _l("Most important today (1-3)"), "integer", min=1, max=3, field="rank_*",
       shown_as=dict.fromkeys(PAGES, IN_ORDER)),
    _q("move", _l("Move"), "text", left_off=dict.fromkeys(OUTPUTS, CONTROL)),
))

HISTORY = Form("history", _l("Medical history"), "history", (
    _q("conditions", _l("Health conditions you have or have had"), "choices",
       choices="conditions", hint=_l("Tick any that a doctor has told you about.")),
    _q("family_fibromyalgia", vocab.FAMILY_HISTORY_QUESTION, "choice",
       choices="family_history"),
    _q("history_note", _l("Anything else about your health history"), "long_text",
       max_chars=4000, link_id="note", short=_l("Anything else")),
), stored_as={"conditions": "history_item"})

HISTORY_ITEM = Form("history_item", _l("History item"), "history.item", (
    _q("kind", _l("What is it?"), "choice", choices="history_kinds", required=True,
       shown_as=dict.fromkeys(PAGES, AS_GROUP)),
    _q("test_kind", _l("Kind of test"), "choice", choices="test_kinds",
       hint=_l("Only for tests and scans."), shown_as=dict.fromkeys(PAGES, IN_NAME)),
    _q("name", _l("Name or short description"), "text", max_chars=200,
       hint=_l("For example: knee surgery, or penicillin.")),
    _q("when_text", _l("About when?"), "text", max_chars=100, link_id="when",
       short=_l("When"), hint=_l("For example: last spring, or 2019.")),
    _q("detail", _l("Result or details, if you know them"), "long_text", max_chars=4000,
       short=_l("Result or details")),
), repeats=True)

MEDICATION = Form("medication", _l("Medicines"), "medications", (
    _q("name", _l("Name of the medicine"), "text", max_chars=200, required=True,
       short=_l("Medicine"), hint=_l("As it is written on the box or bottle.")),
    _q("drug_class", _l("What kind of medicine is it?"), "choice",
       choices="medication_classes", link_id="class", beside="name",
       hint=_l("If you know. It helps the doctor.")),
    _q("dose", _l("Dose"), "text", max_chars=100,
       hint=_l("For example: 400 mg, or 1 tablet.")),
    _q("frequency", _l("How often do you take it?"), "choice", choices="frequencies",
       short=_l("How often")),
    _q("purpose", _l("What do you take it for?"), "text", max_chars=200, short=_l("For")),
    _q("since_text", _l("Since when?"), "text", max_chars=100, link_id="since",
       short=_l("Since"), hint=_l("For example: 2 years, or since March.")),
    _q("side_effects", _l("Side effects you have noticed"), "long_text", max_chars=4000,
       short=_l("Side effects")),
), repeats=True)

TREATMENT = Form("treatment", _l("Treatments tried"), "treatments", (
    _q("kind", _l("What did you try?"), "choice", choices="treatments", required=True,
       short=_l("Treatment")),
    _q("name", _l("Name it, if you chose Other"), "text", max_chars=200, beside="kind"),
    _q("when_text", _l("When did you try it?"), "text", max_chars=100, link_id="when",
       short=_l("When"), hint=_l("For example: last year, or now.")),
    _q("effect", _l("How much did it help?"), "choice", choices="treatment_effects",
       required=True, short=_l("Effect")),
    _q("still_doing", _l("I still do this"), "flag", short=_l("Still doing it"),
       beside="when_text"),
    _q("why_stopped", _l("If you stopped, why?"), "long_text", max_chars=4000,
       short=_l("Why stopped")),
), repeats=True)

SYMPTOM_ENTRY = Form("log_entry", _l("Log entry"), "log.entry", LOG_ENTRY, repeats=True)

BODY_CHECK = Form("check", _l("Body and symptom check (past week)"), "check", (
    _q("areas", _l("Areas with pain in the past week"), "choices", choices="areas",
       short=_l("Pain in the past week")),
    *(_q(key, text, "choice", choices="sss_levels", required=True)
      for key, text in body.SSS_ITEMS.items()),
    # "Tick any you had": one tap for each symptom had, none for each not had.
    *(_q(key, text, "tick") for key, text in body.SSS_EXTRAS.items()),
    _q("three_months",
       _l("Have you had these symptoms, at about this level, for 3 months or more?"),
       "choice", choices="family_history", required=True,
       short=_l("For 3 months or more")),
))


def _safety() -> tuple[Question, ...]:
    return tuple(_q(s.key, s.text, "yes_no", required=True, field=f"q_{s.key}",
                    shown_as=dict.fromkeys(("summary", "pdf"),
                                           AS_EVIDENCE if s.level == FLAG_NONE else AS_FLAG))
                 for s in safety.QUESTIONS)


SAFETY = Form("safety", _l("Safety check"), "safety", _safety())

SUBMIT = Form("submit", _l("Review and send"), "", (
    _q("closing_words", _l("Anything else you want your doctor to know?"), "long_text",
       max_chars=4000),
))

#: Every step and add form of the packet, in step order.
FORMS: tuple[Form, ...] = (VISIT, BANK, QUESTION, ORDER, HISTORY, HISTORY_ITEM, MEDICATION,
                           TREATMENT, SYMPTOM_ENTRY, BODY_CHECK, SAFETY, SUBMIT)
FORMS_BY_KEY = {f.key: f for f in FORMS}
