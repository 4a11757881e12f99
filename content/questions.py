"""One definition of each question: what it asks, what kind of answer, and where it shows.

A `Question` is the single source the outputs read: the review page, the visit summary
(page and PDF), the CSV and the FHIR resources take a question's label, kind, choices and
limits from here, and a question is left off an output only with a named reason
(`left_off`). The field-coverage test walks these definitions, so a new question that no
output knows fails it.

Kinds: text, long_text, number (with min/max), integer, date, datetime, choice (one of
`choices`), choices (several), yes_no, scale (0-10), flag (a tick-box: yes or nothing).
`choices` names a vocabulary in content.vocab.LABELS, or "areas" for content.body.AREAS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from content import body, vocab

#: The outputs a question can reach.
OUTPUTS = ("review", "summary", "pdf", "csv", "fhir")

#: Why a question is left off an output; the words say it to whoever reads the code.
STAFF_ONLY = _l("staff only")


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
    #: A shorter heading for a column or a line of the summary (defaults to `label`).
    short: Any = None
    #: The FHIR linkId below its group (stable: receiving systems map it once), and a
    #: LOINC (code, display) when one fits.
    link_id: str = ""
    loinc: tuple[str, str] | None = None
    #: Output name -> the reason it is left off there (every other output shows it).
    left_off: dict[str, Any] = field(default_factory=dict)

    def shows_in(self, output: str) -> bool:
        return output not in self.left_off

    @property
    def title(self) -> str:
        return str(self.short or self.label)


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
    if kind in {"yes_no", "flag"}:
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

LOG_ENTRY: tuple[Question, ...] = (
    Question("recorded_at", _l("When was this?"), "datetime", required=True,
             short=_l("Date and time"), link_id="recorded_at",
             left_off={"review": _l("the entry's heading"), "summary": _l("the entry's heading"),
                       "pdf": _l("the entry's heading")}),
    Question("pain", _l("How bad is your pain?"), "scale", min=0, max=10, required=True,
             short=_l("Pain (0-10)"), link_id="pain",
             loinc=("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")),
    Question("fatigue", _l("How tired do you feel?"), "scale", min=0, max=10,
             short=_l("Tiredness (0-10)"), link_id="fatigue"),
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
             short=_l("Sleep (hours)"), link_id="sleep_hours"),
    Question("rested", _l("Did you wake up rested?"), "yes_no", short=_l("Woke rested"),
             link_id="rested"),
    Question("stiffness_minutes", _l("Morning stiffness: about how many minutes?"), "integer",
             min=0, max=1440, short=_l("Morning stiffness (minutes)"),
             link_id="stiffness_minutes"),
    Question("numbness", _l("Numbness or tingling"), "flag", link_id="numbness"),
    Question("spasms", _l("Muscle spasms"), "flag", short=_l("Spasms"), link_id="spasms"),
    Question("headache", _l("Headache"), "flag", link_id="headache"),
    Question("digestive", _l("Stomach or bowel trouble"), "flag", short=_l("Digestive trouble"),
             link_id="digestive"),
    Question("mood", _l("How is your mood?"), "choice", choices="moods", short=_l("Mood"),
             link_id="mood"),
    Question("note", _l("Anything else about today"), "long_text", max_chars=4000,
             short=_l("Note"), link_id="note"),
)

#: The once-a-day answers ("last night", "this morning"): when a new entry keeps them from
#: the entry before, they are marked carried and counted once per day (services.stats).
CARRIED_DAILY = ("sleep_hours", "rested", "stiffness_minutes")

LOG_ENTRY_BY_KEY = {q.key: q for q in LOG_ENTRY}
