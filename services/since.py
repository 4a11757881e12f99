"""What changed since the last visit, and the treatment ledger across visits.

`since_last_visit(packet)` compares a packet with the patient's previous sent packet: the
scores, the diary's pain, bad days and sleep (each visit's own part of the diary),
medicines started, stopped or changed, treatments newly tried or stopped, and red flags
that are new. `ledger(packet)` lists every medicine and treatment the patient has named at
any visit up to this one, one line each, with what they said at each visit.

Both cost a fixed number of queries, whatever the number of past visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from content.vocab import label
from extensions import db
from models import Medication, Packet, TreatmentTried
from services import diary
from services.flags import packet_flags
from services.scoring import score_body_check
from services.stats import LogStats, log_stats


@dataclass(frozen=True)
class Then:
    """A figure now and at the last visit (either may be missing)."""

    now: float | int | None
    then: float | int | None

    @property
    def known(self) -> bool:
        return self.now is not None or self.then is not None


@dataclass(frozen=True)
class MedicineChange:
    name: str
    #: started, stopped, changed or unconfirmed (offered, not answered).
    change: str
    dose_now: str = ""
    dose_then: str = ""
    when: str = ""
    why: str = ""


@dataclass(frozen=True)
class TreatmentChange:
    name: str
    #: new or stopped.
    change: str
    effect: str = ""
    why: str = ""


@dataclass
class SinceLastVisit:
    previous_day: date
    previous_packet_id: int
    wpi: Then = Then(None, None)
    sss: Then = Then(None, None)
    pain_avg: Then = Then(None, None)
    pain_worst: Then = Then(None, None)
    bad_days: Then = Then(None, None)
    days_logged: Then = Then(None, None)
    sleep_avg: Then = Then(None, None)
    medicines: list[MedicineChange] = field(default_factory=list)
    treatments: list[TreatmentChange] = field(default_factory=list)
    #: Labels of red flags this packet raises that the last one did not.
    new_flags: list[str] = field(default_factory=list)

    @property
    def quiet(self) -> bool:
        """Nothing to say beyond the dates (no figures, no changes)."""
        figures = (self.wpi, self.sss, self.pain_avg, self.sleep_avg)
        return not (any(f.known for f in figures) or self.medicines or self.treatments
                    or self.new_flags)


def _treatment_name(t: TreatmentTried) -> str:
    if t.kind == "other" and t.name:
        return t.name
    base = str(label("treatments", t.kind))
    return f"{base} ({t.name})" if t.name else base


def _effect(t: TreatmentTried) -> str:
    return str(label("treatment_effects", t.effect)) if t.effect else ""


def _load_previous(packet_id: int) -> Packet:
    return db.session.scalars(
        select(Packet).where(Packet.id == packet_id)
        .options(selectinload(Packet.medications), selectinload(Packet.treatments),
                 selectinload(Packet.body_check), selectinload(Packet.safety_answers),
                 selectinload(Packet.symptom_entries))
    ).one()


def since_last_visit(packet: Packet, stats: LogStats | None = None,
                     part: diary.Window | None = None,
                     entries: list | None = None) -> SinceLastVisit | None:
    """The comparison with the previous sent visit, or None for a first visit: each side's
    log (its figures and its warning signs) is its part of the diary (`entries`, this one's,
    when at hand)."""
    part = part or diary.window(packet)
    if part.previous is None or part.previous.status == "draft":
        return None
    previous = _load_previous(part.previous.packet_id)
    now_entries = entries if entries is not None else diary.entries(packet, part)
    then_entries = diary.entries(previous)
    now_stats = stats if stats is not None else log_stats(now_entries)
    then_stats = log_stats(then_entries)
    now_scores, then_scores = score_body_check(packet.body_check), score_body_check(
        previous.body_check)
    out = SinceLastVisit(
        previous_day=part.previous.day,
        previous_packet_id=previous.id,
        wpi=Then(now_scores.wpi if now_scores else None,
                 then_scores.wpi if then_scores else None),
        sss=Then(now_scores.sss if now_scores else None,
                 then_scores.sss if then_scores else None),
        pain_avg=Then(now_stats.pain_avg, then_stats.pain_avg),
        pain_worst=Then(now_stats.pain_worst, then_stats.pain_worst),
        bad_days=Then(now_stats.bad_days if now_stats.entries else None,
                      then_stats.bad_days if then_stats.entries else None),
        days_logged=Then(now_stats.days_logged, then_stats.days_logged),
        sleep_avg=Then(now_stats.sleep_avg, then_stats.sleep_avg),
    )
    before = {m.id: m for m in previous.medications}
    carried = set()
    for m in sorted(packet.medications, key=lambda r: r.position):
        old = before.get(m.carried_from_id)
        if old is not None:
            carried.add(old.id)
        if m.review == "stopped":
            out.medicines.append(MedicineChange(m.name, "stopped", when=m.stopped_when,
                                                why=m.stopped_why))
        elif m.review is None:
            out.medicines.append(MedicineChange(m.name, "started", dose_now=m.dose))
        elif old is not None and (m.dose, m.frequency, m.name) != (
                old.dose, old.frequency, old.name):
            out.medicines.append(MedicineChange(m.name, "changed", dose_now=m.dose,
                                                dose_then=old.dose))
    for old in sorted(previous.medications, key=lambda r: r.position):
        if old.id not in carried and old.review != "stopped":
            out.medicines.append(MedicineChange(old.name, "unconfirmed", dose_then=old.dose))
    for t in sorted(packet.treatments, key=lambda r: r.position):
        if t.review is None:
            out.treatments.append(TreatmentChange(_treatment_name(t), "new", _effect(t),
                                                  t.why_stopped))
        elif t.review == "stopped":
            out.treatments.append(TreatmentChange(_treatment_name(t), "stopped", _effect(t),
                                                  t.why_stopped))
    had = {(f.source, str(f.label)) for f in packet_flags(previous, then_entries)}
    out.new_flags = [str(f.label) for f in packet_flags(packet, now_entries)
                     if (f.source, str(f.label)) not in had]
    return out


# The ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """What the patient said about a medicine or treatment at one visit."""

    visit_day: date
    when: str
    #: A medicine's dose and how often, or a treatment's effect.
    detail: str
    effect_key: str
    stopped: bool
    why_stopped: str


@dataclass(frozen=True)
class LedgerLine:
    kind: str  # medicine or treatment
    name: str
    trials: tuple[Trial, ...]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def ledger(packet: Packet, part: diary.Window | None = None) -> list[LedgerLine]:
    """Every medicine and treatment named at this visit or before, one line each."""
    part = part or diary.window(packet)
    days = {}
    for visit in part.visits:
        days[visit.packet_id] = visit.day
        if visit.packet_id == packet.id:
            break
    if len(days) < 2:
        return []
    ids = list(days)
    meds = db.session.scalars(select(Medication).where(Medication.packet_id.in_(ids))).all()
    treats = db.session.scalars(
        select(TreatmentTried).where(TreatmentTried.packet_id.in_(ids))).all()
    lines: dict[tuple[str, str], tuple[str, list[Trial]]] = {}
    for m in meds:
        how = str(label("frequencies", m.frequency)) if m.frequency else ""
        trial = Trial(days[m.packet_id], m.since_text or "",
                      " · ".join(p for p in (m.dose, how) if p), "",
                      m.review == "stopped", m.stopped_why or "")
        lines.setdefault(("medicine", _key(m.name)), (m.name, []))[1].append(trial)
    for t in treats:
        name = _treatment_name(t)
        trial = Trial(days[t.packet_id], t.when_text or "", _effect(t), t.effect or "",
                      not t.still_doing and (t.review == "stopped" or bool(t.why_stopped)),
                      t.why_stopped or "")
        lines.setdefault(("treatment", _key(name)), (name, []))[1].append(trial)
    out = [LedgerLine(kind, name, tuple(sorted(trials, key=lambda x: x.visit_day)))
           for (kind, _k), (name, trials) in lines.items()]
    return sorted(out, key=lambda line: (line.kind != "treatment", _key(line.name)))


def _pair(f: Then, unit: str = "") -> str:
    then = "?" if f.then is None else f"{f.then}{unit}"
    now = "?" if f.now is None else f"{f.now}{unit}"
    return f"{then} -> {now}"


def since_lines(since: SinceLastVisit | None, staff: bool = True) -> list[str]:
    """The same facts as plain sentences, for FHIR and other text renderings."""
    from flask_babel import gettext as _

    if since is None:
        return []
    lines = [_("Compared with the visit on %(date)s.", date=since.previous_day.isoformat())]
    if staff and (since.wpi.known or since.sss.known):
        lines.append(_("Scores: WPI %(wpi)s, SSS %(sss)s.", wpi=_pair(since.wpi),
                       sss=_pair(since.sss)))
    if since.pain_avg.known:
        lines.append(_("Pain 0-10: average %(avg)s, worst %(worst)s, bad days %(bad)s.",
                       avg=_pair(since.pain_avg), worst=_pair(since.pain_worst),
                       bad=_pair(since.bad_days)))
    if since.sleep_avg.known:
        lines.append(_("Sleep: %(sleep)s.", sleep=_pair(since.sleep_avg, " h")))
    words = {"stopped": _("Stopped"), "started": _("Started"), "changed": _("Changed"),
             "unconfirmed": _("Not confirmed")}
    for m in since.medicines:
        detail = "; ".join(p for p in (m.when, m.why) if p)
        dose = f"{m.dose_then} -> {m.dose_now}" if m.change == "changed" else (
            m.dose_now or "")
        lines.append(" ".join(p for p in (
            f"{words[m.change]} ({_('medicine')}): {m.name}", dose,
            f"({detail})" if detail else "") if p))
    for t in since.treatments:
        what = _("Newly tried") if t.change == "new" else _("Stopped")
        detail = "; ".join(p for p in (t.effect, t.why) if p)
        lines.append(f"{what} ({_('treatment')}): {t.name}" + (f" ({detail})" if detail else ""))
    if since.new_flags:
        lines.append(_("New red flags: %(flags)s.", flags=", ".join(since.new_flags)))
    return lines
