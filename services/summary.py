"""The visit summary: from a packet to the plain facts every rendering shows.

`build_summary(packet, audience="staff"|"patient")` returns a `Summary` of plain values
(strings, numbers, dates) with the scores, red flags and log statistics already worked
out, so the page, the PDF, the FHIR resource and the CSV all say the same thing. The
packet's own answers and its rows (medicines, treatments, history) are worded from their
definitions in content.questions and read by question key (`s.reason`, `m.dose`).

It costs a fixed number of queries whatever the packet's size: `load_packet` fetches
the packet with every child collection in one go (one SELECT per child table, via
`selectinload`), and `build_summary` only walks what is loaded.

The patient's copy (`audience="patient"`) never holds scores or staff notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload

from content.body import REGIONS
from content.questions import (
    BODY_CHECK,
    HISTORY,
    HISTORY_ITEM,
    MEDICATION,
    SUBMIT,
    TREATMENT,
    VAGUE,
    VISIT,
    Form,
    Question,
    answer_words,
)
from content.safety import LEVEL_LABELS, LEVEL_NAMES
from content.vocab import HISTORY_KINDS, history_name
from extensions import db
from models import Packet, SafetyCall, SafetyCallEvent, StaffNote
from services import diary
from services.chart import body_map, chart_description, pain_fatigue_chart
from services.flags import entry_flagged, packet_flags, safety_facts
from services.i18n import packet_language
from services.opening_hours import zone_of
from services.scoring import score_body_check
from services.since import ledger, since_last_visit
from services.stats import log_stats

AUDIENCES = ("staff", "patient")
#: How many entries with the patient's own words the summary's first page lists, and how
#: many characters of each (the full list after the first page has every word).
LOG_WORDS_SHOWN = 4
LOG_WORDS_CHARS = 240
#: The packet's own answers on the summary (its other answers are rows, or in the log).
OWN_ANSWERS = tuple(q for form in (VISIT, HISTORY, SUBMIT) for q in form.questions
                    if q.shows_in("summary") and q.key not in form.stored_as)
#: How a row stands against the last visit (its `review`): the mark's key and words.
MARKS = {"kept": ("confirmed", _l("confirmed")), "changed": ("changed", _l("changed")),
         "stopped": ("stopped", _l("stopped")), None: ("new", _l("new"))}


class ByKey:
    """Answers read as attributes by question key, from the `answers` dict."""

    def __getattr__(self, key: str) -> Any:
        answers = self.__dict__.get("answers") or {}
        if key not in answers:
            raise AttributeError(key)
        return answers[key]


@dataclass(frozen=True)
class RowLine(ByKey):
    """A medicine, treatment or history row: each answer in words by question key
    (`m.dose`, `t.why_stopped`), and how it stands against the last visit."""

    form: Form
    answers: dict[str, str]
    #: The key of each choice made (CSS classes such as `effect-helped`; VAGUE ones).
    keys: dict[str, Any] = field(default_factory=dict)
    #: Against the last visit: confirmed, changed, stopped or new ("" on a first visit).
    mark_key: str = ""
    mark: Any = ""

    def cells(self, output: str = "summary") -> list[tuple[Question, str, str]]:
        """(question, words, words beside them) for each cell `output` lays the row out
        in (Form.cells): a tick beside them is its title, a VAGUE choice gives way to
        the words typed with it."""
        out = []
        for q in self.form.cells(output):
            aside = ", ".join(
                b.title if b.kind == "flag" else self.answers[b.key]
                for b in self.form.beside(q.key)
                if self.answers[b.key] and self.keys.get(b.key) not in VAGUE)
            words = self.answers[q.key]
            if aside and self.keys.get(q.key) in VAGUE:
                words, aside = aside, ""
            out.append((q, words, aside))
        return out


def _row(form: Form, row, returning: bool, **answers: str) -> RowLine:
    """The row's answers as the summary words them; `answers` adds or replaces some."""
    words = {q.key: answer_words(q, getattr(row, q.key)) for q in form.questions}
    key, mark = MARKS.get(row.review, MARKS[None]) if returning else ("", "")
    keys = {q.key: getattr(row, q.key) for q in form.questions if q.kind == "choice"}
    return RowLine(form, {**words, **answers}, keys, key, mark)


@dataclass(frozen=True)
class HistoryGroup:
    title: str
    items: list[RowLine]


def by_position(rows) -> list:
    """A packet's list rows in the patient's order."""
    return sorted(rows, key=lambda r: (r.position, r.id or 0))


def row_lines(packet: Packet, returning: bool = False) -> tuple[list, list, list]:
    """The packet's medicines, treatments and history (grouped by kind) as RowLines."""
    history = [
        HistoryGroup(str(title), [
            _row(HISTORY_ITEM, h, returning, name=history_name(h.kind, h.name, h.test_kind))
            for h in by_position(packet.history_items) if h.kind == kind])
        for kind, title in HISTORY_KINDS]
    medications = [_row(MEDICATION, m, returning, stopped_when=m.stopped_when or "",
                        stopped_why=m.stopped_why or "") for m in by_position(packet.medications)]
    treatments = [_row(TREATMENT, t, returning) for t in by_position(packet.treatments)]
    return medications, treatments, [group for group in history if group.items]


@dataclass(frozen=True)
class FlagLine:
    #: emergency, urgent or tell_doctor (CSS class and FHIR code).
    level_name: str
    level_label: str
    label: str
    evidence: str
    source: str


@dataclass(frozen=True)
class EntryLine:
    """The patient's own words in one symptom log entry (its choices are in the counts)."""

    recorded_at: datetime
    #: It raised a warning sign (services.flags.entry_flagged).
    flagged: bool
    where: str
    note: str


@dataclass(frozen=True)
class Dated:
    """A staff note, or a step of a safety call, in the clinic's time zone."""

    at: datetime | None
    who: str
    #: The note's words.
    body: str
    #: A call's step: opened, attempt or closed, and its outcome in words.
    kind: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class CallLine:
    """A safety call of the packet and what was done (staff only)."""

    label: str
    level_name: str
    is_open: bool
    #: In the clinic's time zone.
    due_at: datetime | None
    outcome: str
    events: list[Dated]
    #: A call opened from the diary on an earlier visit's link: that visit's day.
    from_visit: Any = None


def load_options() -> tuple:
    """Eager-load options for everything the summary reads (a fixed number of queries)."""
    return (
        *(joinedload(r) for r in (Packet.clinic, Packet.patient, Packet.appointment)),
        *(selectinload(r) for r in (Packet.questions, Packet.history_items, Packet.medications,
                                    Packet.treatments, Packet.symptom_entries,
                                    Packet.body_check, Packet.safety_answers)),
        selectinload(Packet.notes).joinedload(StaffNote.author),
        selectinload(Packet.safety_calls)
        .selectinload(SafetyCall.events)
        .joinedload(SafetyCallEvent.actor),
    )


def load_packet(packet_id: int, clinic_id: int | None = None, *,
                refresh: bool = False) -> Packet | None:
    """The packet with everything the summary shows, or None (also for another clinic's);
    `refresh` loads it again into the rows already in the session."""
    stmt = select(Packet).where(Packet.id == packet_id).options(*load_options())
    if clinic_id is not None:
        stmt = stmt.where(Packet.clinic_id == clinic_id)
    if refresh:
        stmt = stmt.execution_options(populate_existing=True)
    return db.session.scalars(stmt).unique().one_or_none()


def _ensure_loaded(packet: Packet) -> None:
    """Load any child collection the summary reads and is not loaded yet, in one go."""
    state = inspect(packet)
    if state.persistent and {o.path[1].key for o in load_options()} & state.unloaded:
        load_packet(packet.id, refresh=True)


def _who(user) -> str:
    return (user.name or user.email) if user else ""


def _call(call: SafetyCall, local: Callable[[datetime], datetime],
          from_visit=None) -> CallLine:
    from services.safety_calls import OUTCOME_LABELS, flag_label

    outcome = lambda key: str(OUTCOME_LABELS.get(key or "", ""))  # noqa: E731
    return CallLine(flag_label(call.flag_key), LEVEL_NAMES.get(call.level, "urgent"),
                    call.is_open, local(call.due_at), outcome(call.outcome),
                    [Dated(local(e.at), _who(e.actor), e.note or "", e.kind, outcome(e.outcome))
                     for e in call.events], from_visit)


def _own(q: Question, value: Any) -> Any:
    """One of the packet's own answers: a date as it is (each page writes it in its
    language), ticked choices as their words (VAGUE ones left out), else its words."""
    if q.kind == "date":
        return value
    if q.kind == "choices":
        return [answer_words(q, [key]) for key in value or [] if key not in VAGUE]
    return answer_words(q, value)


def _log_words(entries) -> tuple[list[EntryLine], list[EntryLine], int]:
    """Entries with own words, newest first: the most recent and the flagged ones within
    the page budget, all of them, and how many the short list leaves out."""
    worded = [EntryLine(e.recorded_at, entry_flagged(e), e.where_text or "", e.note or "")
              for e in reversed(entries) if e.where_text or e.note]
    flagged = [e for e in worded if e.flagged][:LOG_WORDS_SHOWN // 2]
    recent = [e for e in worded if not any(e is f for f in flagged)]
    recent = recent[:LOG_WORDS_SHOWN - len(flagged)]
    shown = sorted([*flagged, *recent], key=lambda e: e.recorded_at, reverse=True)
    return shown, worded, len(worded) - len(shown)


class Summary(ByKey):
    """What the summary of one packet shows, for one audience (see `build_summary`)."""

    #: How many characters of each note the first page's short list shows.
    log_words_chars = LOG_WORDS_CHARS

    def __init__(self, packet: Packet, audience: str) -> None:
        clinic, appointment = packet.clinic, packet.appointment
        zone = zone_of(clinic) if clinic else UTC
        local = lambda moment: moment and moment.astimezone(zone)  # noqa: E731
        self.audience = audience
        self.is_staff = audience == "staff"
        #: The packet itself, for views that need its id, status or version, and for the
        #: FHIR export's rows. Templates read the attributes below.
        self.packet = packet
        self.packet_id = packet.id
        self.status = packet.status
        self.is_submitted = packet.status in {"submitted", "reviewed"}
        #: The packet's own answers by question key (OWN_ANSWERS): `s.reason`, `s.hopes`.
        self.answers = {q.key: _own(q, getattr(packet, q.key)) for q in OWN_ANSWERS}
        self.answers["doctor"] = self.doctor or (appointment.doctor if appointment else "")
        if appointment and not self.visit_date:
            self.answers["visit_date"] = appointment.scheduled_for.date()
        #: The appointment's wall-clock time, when the packet came from an invitation.
        self.appointment_at = appointment.scheduled_for if appointment else None
        self.clinic_name = clinic.name if clinic else ""
        self.clinic_timezone = (clinic.timezone if clinic else None) or "UTC"
        self.emergency_number = (clinic.emergency_number if clinic else "") or "911"
        #: The language the patient answered in (en, es); their words are shown as typed.
        self.language = packet_language(packet)
        self.submitted_at = packet.submitted_at
        self.updated_at = packet.updated_at
        #: The same instant in the clinic's time zone, for display.
        self.submitted_local = local(packet.submitted_at)
        self.reviewed_at = packet.reviewed_at
        #: Safety-check "yes" answers that are no warning sign and quoted by none (flags.py).
        self.safety_facts = [str(fact) for fact in safety_facts(packet.safety_answers)]
        #: Safety check answers as (question key, yes?), and the body check row, for FHIR.
        self.safety_answers = {a.question_key: bool(a.answer) for a in packet.safety_answers}
        self.body_check = packet.body_check
        questions = by_position(packet.questions)
        #: The patient's questions (PacketQuestion rows): the top three in their order.
        self.top_questions = sorted((q for q in questions if q.top_rank),
                                    key=lambda q: q.top_rank)
        self.other_questions = [q for q in questions if not q.top_rank]

        # The packet's part of the patient's diary: since the previous visit, whichever
        # link the entries were typed from. A returning patient's rows are marked.
        part = diary.window(packet)
        returning = part.previous is not None and part.previous.status != "draft"
        #: The rows behind the log statistics, oldest first, for the CSV and FHIR exports.
        self.entries = diary.entries(packet, part)
        #: Its warning signs, the log's from these entries: a sign logged between visits
        #: from the last visit's link is in this visit's red flags, as in its log.
        self.flags = [FlagLine(LEVEL_NAMES.get(f.level, "tell_doctor"),
                               str(LEVEL_LABELS.get(f.level, "")), str(f.label),
                               str(f.evidence), f.source)
                      for f in packet_flags(packet, self.entries)]
        self.stats = stats = log_stats(self.entries)
        self.chart = pain_fatigue_chart(stats.daily)
        self.chart_text = chart_description(stats.daily) if stats.entries else ""
        self.body_map = body_map(stats.area_counts, stats.entries)
        #: The diary part covered: entries after the previous visit's day (None: the first
        #: visit) up to this visit's day (None: open, the newest visit).
        self.diary_since = part.previous.day if part.previous else None
        self.diary_until = (part.end - timedelta(days=1)).date() if part.end else None
        #: Entries with the patient's own words (note or "where"), newest first: the most
        #: recent and the flagged ones, LOG_WORDS_SHOWN at most, and how many more the full
        #: log has; the full log (after the first page) when the short list left any out
        #: or shortened any.
        self.log_words, worded, self.log_words_more = _log_words(self.entries)
        long = any(len(e.where) > LOG_WORDS_CHARS or len(e.note) > LOG_WORDS_CHARS
                   for e in worded)
        self.full_log = worded if self.log_words_more or long else []
        self.medications, self.treatments, self.history = row_lines(packet, returning)
        #: "Since last visit" for a returning patient (None on a first visit), and every
        #: medicine and treatment across the patient's visits up to this one.
        self.since = since_last_visit(packet, stats, part, self.entries) if returning else None
        self.ledger = ledger(packet, part) if returning else []

        # Staff only: notes, safety calls (oldest first), the scores and the check's
        # answers in words (None or empty for the patient's copy, or when not done).
        staff = self.is_staff
        self.notes = [Dated(local(n.created_at), _who(n.author), n.body)
                      for n in packet.notes] if staff else []
        #: Its own calls, then those a sign in its part of the diary opened on the last
        #: visit's packet, where it was typed: the doctor sees each sign's call here.
        self.safety_calls = [
            *(_call(c, local) for c in packet.safety_calls),
            *(_call(c, local, day) for c, day in diary.calls_in(packet, part)),
        ] if staff else []
        self.scores = score_body_check(packet.body_check) if staff else None
        self.score_note = _("Self-report screen for clinician review; not a diagnosis.") \
            if self.scores is not None else ""
        check = packet.body_check if self.scores is not None else None
        self.check_regions = [str(REGIONS[r]) for r in self.scores.regions] if check else []
        #: (title, words) of each answer of the check; a severity with its points.
        self.check_items = [(q.title, _check_words(q, getattr(check, q.key)))
                            for q in BODY_CHECK.questions] if check else []

    @property
    def file_stem(self) -> str:
        """A download name: visit-summary-<clinic>-<visit date>, ASCII only.

        Never the patient's name: file names travel into mail, chat and download folders.
        """
        clinic = "".join(c if c.isascii() and c.isalnum() else "-" for c in self.clinic_name)
        clinic = "-".join(p for p in clinic.lower().split("-") if p)[:40] or "clinic"
        when = self.visit_date.isoformat() if self.visit_date else f"packet-{self.packet_id}"
        return f"visit-summary-{clinic}-{when}"


def _check_words(q: Question, value: Any) -> str:
    words = answer_words(q, value)
    return f"{value} ({words})" if q.choices == "sss_levels" and words else words


def build_summary(packet: Packet, audience: str = "staff") -> Summary:
    """Collect what the summary shows; `audience` is "staff" or "patient"."""
    if audience not in AUDIENCES:
        raise ValueError("audience is staff or patient")
    _ensure_loaded(packet)
    return Summary(packet, audience)
