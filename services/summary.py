"""The visit summary: from a packet to the plain facts every rendering shows.

`build_summary(packet, audience="staff"|"patient")` returns a `Summary` of plain values
(strings, numbers, dates) with the scores, red flags and log statistics already worked
out, so the page, the PDF, the FHIR resource and the CSV all say the same thing.

It costs a fixed number of queries whatever the packet's size: `load_packet` fetches
the packet with every child collection in one go (one SELECT per child table, via
`selectinload`), and `build_summary` only walks what is loaded.

The patient's copy (`audience="patient"`) never holds scores or staff notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload

from content.body import AREA_BY_KEY, REGIONS, SSS_EXTRAS, SSS_ITEMS
from content.safety import LEVEL_LABELS, LEVEL_NAMES
from content.vocab import FAMILY_HISTORY_QUESTION, MEDICATION_CLASS_BY_KEY, history_name, label
from content.vocab import HISTORY_KINDS as HISTORY_KIND_TITLES
from extensions import db
from models import Packet, SafetyCall, SafetyCallEvent, StaffNote, SymptomEntry
from services import diary
from services.chart import body_map, chart_description, pain_fatigue_chart
from services.flags import entry_flagged, packet_flags
from services.i18n import packet_language
from services.scoring import Scores, score_body_check
from services.since import LedgerLine, SinceLastVisit, ledger, since_last_visit
from services.stats import LogStats, log_stats

AUDIENCES = ("staff", "patient")
#: Relationships the summary reads; all are loaded by `load_packet`.
_RELATIONS = (
    "clinic",
    "patient",
    "appointment",
    "questions",
    "history_items",
    "medications",
    "treatments",
    "symptom_entries",
    "body_check",
    "safety_answers",
    "notes",
    "safety_calls",
)


@dataclass(frozen=True)
class FlagLine:
    level: int
    #: emergency, urgent or tell_doctor (CSS class and FHIR code).
    level_name: str
    level_label: str
    label: str
    evidence: str
    source: str


@dataclass(frozen=True)
class QuestionLine:
    text: str
    topic: str
    source: str
    top_rank: int | None


#: How a row stands against the last visit: key -> words (see `_mark`).
MARKS = {"kept": "confirmed", "changed": "changed", "stopped": "stopped", None: "new"}


def _mark(row, returning: bool) -> tuple[str, str]:
    """("confirmed"|"changed"|"stopped"|"new", words) for a returning patient, else blank."""
    if not returning:
        return "", ""
    key = MARKS.get(getattr(row, "review", None), "new")
    words = {"confirmed": _("confirmed"), "changed": _("changed"), "stopped": _("stopped"),
             "new": _("new")}[key]
    return key, words


@dataclass(frozen=True)
class MedicationLine:
    name: str
    drug_class: str
    dose: str
    frequency: str
    purpose: str
    since: str
    side_effects: str
    #: Against the last visit: confirmed, changed, stopped or new ("" on a first visit).
    mark_key: str = ""
    mark: str = ""
    stopped_when: str = ""
    stopped_why: str = ""


@dataclass(frozen=True)
class TreatmentLine:
    name: str
    when: str
    effect: str
    #: helped, no_change, worse or unsure.
    effect_key: str
    still_doing: bool
    why_stopped: str
    mark_key: str = ""
    mark: str = ""


@dataclass(frozen=True)
class HistoryLine:
    name: str
    when: str
    detail: str
    mark_key: str = ""
    mark: str = ""


@dataclass(frozen=True)
class HistoryGroup:
    kind: str
    title: str
    items: list[HistoryLine]


@dataclass(frozen=True)
class CheckItem:
    """One answer of the body and symptom check, in words (staff only)."""

    label: str
    value: str


@dataclass(frozen=True)
class CallEventLine:
    #: In the clinic's time zone.
    at: datetime
    who: str
    #: opened, attempt or closed.
    kind: str
    outcome: str
    note: str


@dataclass(frozen=True)
class CallLine:
    """A safety call of the packet and what was done (staff only)."""

    id: int
    label: str
    level_name: str
    is_open: bool
    #: In the clinic's time zone.
    raised_at: datetime
    due_at: datetime
    outcome: str
    events: list[CallEventLine]


@dataclass(frozen=True)
class EntryLine:
    """The patient's own words in one symptom log entry (its choices are in the counts)."""

    recorded_at: datetime
    #: It raised a warning sign (services.flags.entry_flagged).
    flagged: bool
    where: str
    note: str


#: How many entries with the patient's own words the summary's first page lists, and how
#: many characters of each (the full list after the first page has every word).
LOG_WORDS_SHOWN = 4
LOG_WORDS_CHARS = 240


@dataclass(frozen=True)
class NoteLine:
    created_at: datetime
    author: str
    body: str


@dataclass
class Summary:
    audience: str
    packet_id: int
    status: str
    patient_name: str
    date_of_birth: date | None
    visit_date: date | None
    #: The appointment's wall-clock time, when the packet came from an invitation.
    appointment_at: datetime | None
    doctor: str
    #: A number to call today, as the patient typed it ("" when not given).
    contact_phone: str
    clinic_name: str
    clinic_timezone: str
    #: The language the patient answered in (en, es); their words are shown as typed.
    language: str
    emergency_number: str
    submitted_at: datetime | None
    #: The same instant in the clinic's time zone, for display.
    submitted_local: datetime | None
    reviewed_at: datetime | None
    updated_at: datetime | None
    flags: list[FlagLine] = field(default_factory=list)
    top_questions: list[QuestionLine] = field(default_factory=list)
    other_questions: list[QuestionLine] = field(default_factory=list)
    stats: LogStats = field(default_factory=LogStats)
    chart: Markup = field(default_factory=Markup)
    chart_text: str = ""
    body_map: Markup = field(default_factory=Markup)
    #: Staff only: None for the patient's copy or when the check was not done.
    scores: Scores | None = None
    score_note: str = ""
    check_areas: list[str] = field(default_factory=list)
    check_regions: list[str] = field(default_factory=list)
    check_items: list[CheckItem] = field(default_factory=list)
    medications: list[MedicationLine] = field(default_factory=list)
    treatments: list[TreatmentLine] = field(default_factory=list)
    history: list[HistoryGroup] = field(default_factory=list)
    history_note: str = ""
    family_history: str = ""
    family_history_question: str = ""
    reason: str = ""
    reason_prompts: list[str] = field(default_factory=list)
    hopes: str = ""
    closing_words: str = ""
    #: Staff only.
    notes: list[NoteLine] = field(default_factory=list)
    #: Staff only: the packet's safety calls, oldest first.
    safety_calls: list[CallLine] = field(default_factory=list)
    #: Entries with the patient's own words (note or "where"), newest first: the most
    #: recent and the flagged ones, LOG_WORDS_SHOWN at most; how many more the full log has.
    log_words: list[EntryLine] = field(default_factory=list)
    log_words_more: int = 0
    #: Every entry with own words, newest first, in full (after the first page), when the
    #: short list above left any out or shortened any.
    full_log: list[EntryLine] = field(default_factory=list)
    #: The rows behind the log statistics, oldest first, for the CSV and FHIR exports.
    entries: list[SymptomEntry] = field(default_factory=list)
    #: The diary part covered: entries after the previous visit's day (None: the first
    #: visit) up to this visit's day (None: open, the newest visit).
    diary_since: date | None = None
    diary_until: date | None = None
    #: "Since last visit" for a returning patient (None on a first visit).
    since: SinceLastVisit | None = None
    #: Every medicine and treatment across the patient's visits up to this one.
    ledger: list[LedgerLine] = field(default_factory=list)
    #: Safety check answers as (question key, yes?), for FHIR.
    safety_answers: dict[str, bool] = field(default_factory=dict)
    #: The packet's body check row (or None), for FHIR.
    body_check: object = None
    #: The packet itself (kept from the first cut of this interface, for views that need
    #: its id, status or version). Templates read the fields above, never this.
    packet: Packet | None = None

    #: How many characters of each note the first page's short list shows.
    log_words_chars: int = LOG_WORDS_CHARS

    @property
    def is_staff(self) -> bool:
        return self.audience == "staff"

    @property
    def is_submitted(self) -> bool:
        return self.status in {"submitted", "reviewed"}

    @property
    def highest_flag(self) -> int:
        return max((f.level for f in self.flags), default=0)

    @property
    def file_stem(self) -> str:
        """A download name: visit-summary-<clinic>-<visit date>, ASCII only.

        Never the patient's name: file names travel into mail, chat and download folders.
        """
        clinic = "".join(c if c.isascii() and c.isalnum() else "-" for c in self.clinic_name)
        clinic = "-".join(p for p in clinic.lower().split("-") if p)[:40] or "clinic"
        when = self.visit_date.isoformat() if self.visit_date else f"packet-{self.packet_id}"
        return f"visit-summary-{clinic}-{when}"


def load_options() -> tuple:
    """Eager-load options for everything the summary reads (a fixed number of queries)."""
    return (
        joinedload(Packet.clinic),
        joinedload(Packet.patient),
        joinedload(Packet.appointment),
        selectinload(Packet.questions),
        selectinload(Packet.history_items),
        selectinload(Packet.medications),
        selectinload(Packet.treatments),
        selectinload(Packet.symptom_entries),
        selectinload(Packet.body_check),
        selectinload(Packet.safety_answers),
        selectinload(Packet.notes).joinedload(StaffNote.author),
        selectinload(Packet.safety_calls)
        .selectinload(SafetyCall.events)
        .joinedload(SafetyCallEvent.actor),
    )


def load_packet(packet_id: int, clinic_id: int | None = None) -> Packet | None:
    """The packet with everything the summary shows, or None (also for another clinic's)."""
    stmt = select(Packet).where(Packet.id == packet_id).options(*load_options())
    if clinic_id is not None:
        stmt = stmt.where(Packet.clinic_id == clinic_id)
    return db.session.scalars(stmt).unique().one_or_none()


def _ensure_loaded(packet: Packet) -> None:
    """Load any child collection not yet loaded, all in one statement."""
    state = inspect(packet)
    if state.persistent and set(_RELATIONS) & state.unloaded:
        db.session.scalars(
            select(Packet)
            .where(Packet.id == packet.id)
            .options(*load_options())
            .execution_options(populate_existing=True)
        ).unique().one()


def _local(moment: datetime | None, timezone: str | None) -> datetime | None:
    if moment is None:
        return None
    try:
        return moment.astimezone(ZoneInfo(timezone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def _s(value: object) -> str:
    return "" if value is None else str(value)


def _flags(packet: Packet) -> list[FlagLine]:
    return [
        FlagLine(
            level=f.level,
            level_name=LEVEL_NAMES.get(f.level, "tell_doctor"),
            level_label=_s(LEVEL_LABELS.get(f.level, "")),
            label=_s(f.label),
            evidence=_s(f.evidence),
            source=f.source,
        )
        for f in packet_flags(packet)
    ]


def _who(user) -> str:
    return (user.name or user.email) if user else ""


def _call(call: SafetyCall, zone: str | None) -> CallLine:
    from services.safety_calls import OUTCOME_LABELS, flag_label

    return CallLine(
        id=call.id,
        label=flag_label(call.flag_key),
        level_name=LEVEL_NAMES.get(call.level, "urgent"),
        is_open=call.is_open,
        raised_at=_local(call.raised_at, zone),
        due_at=_local(call.due_at, zone),
        outcome=_s(OUTCOME_LABELS.get(call.outcome or "", "")),
        events=[
            CallEventLine(_local(e.at, zone), _who(e.actor), e.kind,
                          _s(OUTCOME_LABELS.get(e.outcome or "", "")), e.note or "")
            for e in call.events
        ],
    )


def _medication(m, returning: bool = False) -> MedicationLine:
    drug_class = MEDICATION_CLASS_BY_KEY.get(m.drug_class) if m.drug_class else None
    return MedicationLine(
        name=m.name,
        drug_class=""
        if drug_class is None or m.drug_class in {"unsure", "other"}
        else _s(drug_class.label),
        dose=m.dose or "",
        frequency=_s(label("frequencies", m.frequency)) if m.frequency else "",
        purpose=m.purpose or "",
        since=m.since_text or "",
        side_effects=m.side_effects or "",
        mark_key=_mark(m, returning)[0],
        mark=_mark(m, returning)[1],
        stopped_when=m.stopped_when or "",
        stopped_why=m.stopped_why or "",
    )


def _treatment(t, returning: bool = False) -> TreatmentLine:
    name = t.name if (t.kind == "other" and t.name) else _s(label("treatments", t.kind))
    if t.kind != "other" and t.name:
        name = f"{name} ({t.name})"
    return TreatmentLine(
        name=name,
        when=t.when_text or "",
        effect=_s(label("treatment_effects", t.effect)),
        effect_key=t.effect,
        still_doing=bool(t.still_doing),
        why_stopped=t.why_stopped or "",
        mark_key=_mark(t, returning)[0],
        mark=_mark(t, returning)[1],
    )


def _history(items, returning: bool = False) -> list[HistoryGroup]:
    groups = []
    for kind, title in HISTORY_KIND_TITLES:
        lines = [
            HistoryLine(
                name=history_name(i.kind, i.name, i.test_kind),
                when=i.when_text or "",
                detail=i.detail or "",
                mark_key=_mark(i, returning)[0],
                mark=_mark(i, returning)[1],
            )
            for i in items
            if i.kind == kind
        ]
        if lines:
            groups.append(HistoryGroup(kind, _s(title), lines))
    return groups


def _entry_line(entry) -> EntryLine:
    return EntryLine(
        recorded_at=entry.recorded_at,
        flagged=entry_flagged(entry),
        where=entry.where_text or "",
        note=entry.note or "",
    )


def _log_words(newest_first: list[EntryLine]) -> tuple[list[EntryLine], int]:
    """The most recent and the flagged entries with own words, within the page budget."""
    worded = newest_first
    flagged = [e for e in worded if e.flagged][:LOG_WORDS_SHOWN // 2]
    taken = {id(e) for e in flagged}
    recent = [e for e in worded if id(e) not in taken][:LOG_WORDS_SHOWN - len(flagged)]
    shown = sorted([*flagged, *recent], key=lambda e: e.recorded_at, reverse=True)
    return shown, len(worded) - len(shown)


def _check(check, scores: Scores) -> tuple[list[str], list[str], list[CheckItem]]:
    areas = [_s(AREA_BY_KEY[k].label) for k in AREA_BY_KEY if k in set(check.areas or [])]
    regions = [_s(REGIONS[r]) for r in scores.regions]
    items = []
    for key, text in SSS_ITEMS.items():
        value = getattr(check, key)
        items.append(
            CheckItem(_s(text), "" if value is None else f"{value} ({label('sss_levels', value)})")
        )
    for key, text in SSS_EXTRAS.items():
        value = getattr(check, key)
        items.append(CheckItem(_s(text), "" if value is None else (_("Yes") if value else _("No"))))
    items.append(
        CheckItem(
            _("Symptoms for 3 months or more"),
            _s(label("family_history", check.three_months)) if check.three_months else "",
        )
    )
    return areas, regions, items


def build_summary(packet: Packet, audience: str = "staff") -> Summary:
    """Collect what the summary shows; `audience` is "staff" or "patient"."""
    if audience not in AUDIENCES:
        raise ValueError("audience is staff or patient")
    _ensure_loaded(packet)
    staff = audience == "staff"
    # The packet's part of the patient's diary: since the previous visit, whichever link
    # the entries were typed from.
    part = diary.window(packet)
    entries = diary.entries(packet, part)
    #: A returning patient: every row is marked against the last visit.
    returning = part.previous is not None and part.previous.status != "draft"
    stats = log_stats(entries)
    clinic = packet.clinic
    appointment = packet.appointment

    questions = sorted(packet.questions, key=lambda q: (q.position, q.id or 0))
    top = sorted((q for q in questions if q.top_rank), key=lambda q: q.top_rank)
    line = lambda q: QuestionLine(q.text, q.topic or "", q.source, q.top_rank)  # noqa: E731

    summary = Summary(
        audience=audience,
        packet_id=packet.id,
        status=packet.status,
        patient_name=packet.patient_name or "",
        date_of_birth=packet.date_of_birth,
        visit_date=packet.visit_date or (appointment.scheduled_for.date() if appointment else None),
        appointment_at=appointment.scheduled_for if appointment else None,
        doctor=packet.doctor or (appointment.doctor if appointment else ""),
        contact_phone=packet.contact_phone or "",
        clinic_name=clinic.name if clinic else "",
        clinic_timezone=clinic.timezone if clinic else "UTC",
        language=packet_language(packet),
        emergency_number=(clinic.emergency_number if clinic else "") or "911",
        submitted_at=packet.submitted_at,
        submitted_local=_local(packet.submitted_at, clinic.timezone if clinic else None),
        reviewed_at=packet.reviewed_at,
        updated_at=packet.updated_at,
        flags=_flags(packet),
        top_questions=[line(q) for q in top],
        other_questions=[line(q) for q in questions if not q.top_rank],
        stats=stats,
        chart=pain_fatigue_chart(stats.daily),
        chart_text=chart_description(stats.daily) if stats.entries else "",
        body_map=body_map(stats.area_counts, stats.entries),
        medications=[_medication(m, returning)
                     for m in sorted(packet.medications, key=lambda m: m.position)],
        treatments=[_treatment(t, returning)
                    for t in sorted(packet.treatments, key=lambda t: t.position)],
        history=_history(sorted(packet.history_items, key=lambda h: h.position), returning),
        history_note=packet.history_note or "",
        family_history=_s(label("family_history", packet.family_fibromyalgia))
        if packet.family_fibromyalgia
        else "",
        family_history_question=_s(FAMILY_HISTORY_QUESTION),
        reason=packet.reason or "",
        reason_prompts=[
            _s(label("reason_prompts", k)) for k in (packet.reason_prompts or []) if k != "other"
        ],
        hopes=packet.hopes or "",
        closing_words=packet.closing_words or "",
        entries=entries,
        diary_since=part.previous.day if part.previous else None,
        diary_until=(part.end - timedelta(days=1)).date() if part.end else None,
        safety_answers={a.question_key: bool(a.answer) for a in packet.safety_answers},
        body_check=packet.body_check,
        packet=packet,
    )
    if returning:
        summary.since = since_last_visit(packet, stats, part)
        summary.ledger = ledger(packet, part)
    worded = [_entry_line(e) for e in reversed(entries) if e.where_text or e.note]
    summary.log_words, summary.log_words_more = _log_words(worded)
    if summary.log_words_more or any(
            len(e.where) > LOG_WORDS_CHARS or len(e.note) > LOG_WORDS_CHARS for e in worded):
        summary.full_log = worded
    if staff:
        zone = clinic.timezone if clinic else None
        summary.notes = [
            NoteLine(_local(n.created_at, zone), _who(n.author), n.body) for n in packet.notes
        ]
        summary.safety_calls = [_call(c, zone) for c in packet.safety_calls]
        summary.scores = score_body_check(packet.body_check)
        if summary.scores is not None:
            summary.score_note = _("Self-report screen for clinician review; not a diagnosis.")
            summary.check_areas, summary.check_regions, summary.check_items = _check(
                packet.body_check, summary.scores
            )
    return summary
