"""Patient records: one per person per clinic, owning their appointments, packets and diary.

Reception books a visit for a patient it finds (same name and date of birth, or the clinic's
record number) or makes a new one. A packet started from the clinic's start link gets a
record of its own ("self_start"), mirroring the name and date of birth the patient types,
until a staff member matches it to an existing patient, side by side; the match moves the
packet and its diary entries, is audited, and can be undone. Nothing here ever merges two
records without a person asking for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select, update

from extensions import db
from models import (
    Packet,
    Patient,
    PatientMatch,
    StaffUser,
    SymptomEntry,
    utcnow,
)
from services.audit import record

#: The largest id an INTEGER column holds.
MAX_ID = 2**31 - 1
#: How many possible matches reception is shown at most.
MAX_PATIENT_CANDIDATES = 5


def name_key(name: str | None) -> str:
    """A name as compared for matching: case and spacing do not matter."""
    return " ".join((name or "").casefold().split())


def clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def patient_for_staff(patient_id: int, user: StaffUser) -> Patient | None:
    """The patient if they belong to the user's clinic; None for anything else."""
    if not 0 < patient_id <= MAX_ID:
        return None
    return db.session.scalar(
        select(Patient).where(Patient.id == patient_id, Patient.clinic_id == user.clinic_id)
    )


def candidates(clinic_id: int, *, name: str | None, date_of_birth: date | None,
               record_number: str | None = None, exclude_id: int | None = None) -> list[Patient]:
    """Existing patients who may be this person: same record number, or same name and DOB.

    Strong matches come first: the record number, then name and date of birth. A
    self-started record that has not been matched yet is never offered (it may be nobody).
    """
    record_number = clean(record_number)
    conditions = []
    if record_number:
        conditions.append(Patient.record_number == record_number)
    if date_of_birth is not None:
        conditions.append(Patient.date_of_birth == date_of_birth)
    if not conditions:
        return []
    query = (
        select(Patient)
        .where(Patient.clinic_id == clinic_id, Patient.origin != "self_start", or_(*conditions))
        .order_by(Patient.id)
        .limit(200)
    )
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    key = name_key(name)
    found = []
    for patient in db.session.scalars(query):
        if record_number and patient.record_number == record_number:
            found.append((0, patient))
        elif (date_of_birth is not None and patient.date_of_birth == date_of_birth
              and key and name_key(patient.name) == key):
            found.append((1, patient))
    found.sort(key=lambda pair: (pair[0], -pair[1].id))
    return [patient for _, patient in found[:MAX_PATIENT_CANDIDATES]]


def same_day_of_birth(clinic_id: int, date_of_birth: date | None,
                      exclude_id: int | None = None) -> list[Patient]:
    """Patients born that day, for reception to compare a self-started packet against."""
    if date_of_birth is None:
        return []
    query = (
        select(Patient)
        .where(Patient.clinic_id == clinic_id, Patient.date_of_birth == date_of_birth,
               Patient.origin != "self_start")
        .order_by(Patient.id.desc())
        .limit(MAX_PATIENT_CANDIDATES)
    )
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    return list(db.session.scalars(query))


def new_patient(clinic_id: int, *, name: str, date_of_birth: date | None,
                phone: str | None = None, email: str | None = None,
                record_number: str | None = None, origin: str = "reception") -> Patient:
    """A new patient record (the caller commits)."""
    patient = Patient(
        clinic_id=clinic_id, name=(name or "").strip(), date_of_birth=date_of_birth,
        phone=clean(phone), email=clean(email), record_number=clean(record_number),
        origin=origin,
    )
    db.session.add(patient)
    db.session.flush()
    return patient


def record_number_taken(clinic_id: int, record_number: str | None,
                        exclude_id: int | None = None) -> bool:
    record_number = clean(record_number)
    if not record_number:
        return False
    query = select(Patient.id).where(Patient.clinic_id == clinic_id,
                                     Patient.record_number == record_number)
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def fill_in(patient: Patient, *, phone: str | None, email: str | None,
            record_number: str | None) -> None:
    """Add contact details given at a booking to the record, never erasing what it has."""
    patient.phone = clean(phone) or patient.phone
    patient.email = clean(email) or patient.email
    if not patient.record_number:
        patient.record_number = clean(record_number)


def mirror_self_started(packet: Packet) -> None:
    """A self-started record follows the name and date of birth its patient types."""
    patient = packet.patient
    if patient is not None and patient.origin == "self_start":
        patient.name = packet.patient_name or ""
        patient.date_of_birth = packet.date_of_birth


# History ------------------------------------------------------------------------------


def visits(patient: Patient) -> list[Packet]:
    """The patient's packets, newest visit first (one query)."""
    return list(db.session.scalars(
        select(Packet).where(Packet.patient_id == patient.id)
        .order_by(Packet.visit_date.desc().nulls_last(), Packet.id.desc())
    ))


def diary_size(patient: Patient) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SymptomEntry).where(SymptomEntry.patient_id == patient.id)
    ) or 0


def record_history_view(patient: Patient, user: StaffUser, ip: str | None = None,
                        action: str = "patient.view") -> None:
    """Every staff view of a patient's history is in the audit log."""
    record(action, actor=user, object_type="patient", object_id=patient.id, ip=ip)
    db.session.commit()


# Matching a self-started packet ---------------------------------------------------------


class CannotMatch(Exception):
    """The packet is not a self-started one waiting for a match, or the target is wrong."""


def open_match(packet: Packet) -> PatientMatch | None:
    """The match in force for this packet, if any (an invited packet is never matched)."""
    if packet.appointment_id is not None:
        return None
    return db.session.scalar(
        select(PatientMatch).where(PatientMatch.packet_id == packet.id,
                                   PatientMatch.undone_at.is_(None))
        .order_by(PatientMatch.id.desc()).limit(1)
    )


def can_match(packet: Packet) -> bool:
    """Only a packet started without an invitation, still under its own record."""
    return (packet.appointment_id is None and packet.patient is not None
            and packet.patient.origin in ("self_start", "migrated"))


def _move(packet: Packet, to_patient_id: int) -> None:
    from_patient_id = packet.patient_id
    db.session.execute(
        update(SymptomEntry)
        .where(SymptomEntry.packet_id == packet.id, SymptomEntry.patient_id == from_patient_id)
        .values(patient_id=to_patient_id)
        .execution_options(synchronize_session=False)
    )
    packet.patient_id = to_patient_id


def match(packet: Packet, target: Patient, user: StaffUser, ip: str | None = None
          ) -> PatientMatch:
    """Move a self-started packet (and the entries logged in it) to an existing patient."""
    if not can_match(packet) or target.clinic_id != packet.clinic_id or (
            target.origin == "self_start" or target.id == packet.patient_id):
        raise CannotMatch
    row = PatientMatch(clinic_id=packet.clinic_id, packet_id=packet.id,
                       from_patient_id=packet.patient_id, to_patient_id=target.id,
                       matched_by_id=user.id)
    db.session.add(row)
    _move(packet, target.id)
    db.session.flush()
    record("patient.match", actor=user, object_type="packet", object_id=packet.id, ip=ip,
           detail={"from_patient": row.from_patient_id, "to_patient": target.id,
                   "match": row.id})
    db.session.commit()
    return row


def undo_match(packet: Packet, user: StaffUser, ip: str | None = None) -> bool:
    """Put a matched packet back under the record it was started with; False if none."""
    row = open_match(packet)
    if row is None or row.from_patient_id is None or row.to_patient_id != packet.patient_id:
        return False
    _move(packet, row.from_patient_id)
    row.undone_at = utcnow()
    row.undone_by_id = user.id
    record("patient.unmatch", actor=user, object_type="packet", object_id=packet.id, ip=ip,
           detail={"from_patient": row.to_patient_id, "to_patient": row.from_patient_id,
                   "match": row.id})
    db.session.commit()
    return True


def match_candidates(packet: Packet) -> list[Patient]:
    """Patients a self-started packet may belong to: same name and DOB first, then same DOB."""
    strong = candidates(packet.clinic_id, name=packet.patient_name,
                        date_of_birth=packet.date_of_birth, exclude_id=packet.patient_id)
    rest = [p for p in same_day_of_birth(packet.clinic_id, packet.date_of_birth,
                                         exclude_id=packet.patient_id) if p not in strong]
    return (strong + rest)[:MAX_PATIENT_CANDIDATES]


def search(clinic_id: int, text: str | None, date_of_birth: date | None,
           limit: int = 25) -> list[Patient]:
    """Patients whose name contains the words typed or whose record number is it exactly."""
    text = " ".join((text or "").split())
    query = select(Patient).where(Patient.clinic_id == clinic_id)
    if date_of_birth is not None:
        query = query.where(Patient.date_of_birth == date_of_birth)
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Patient.record_number == text,
                                Patient.name.ilike(pattern, escape="\\")))
    return list(db.session.scalars(query.order_by(Patient.name, Patient.id).limit(limit)))


@dataclass(frozen=True)
class RecordBox:
    """What the packet page says about whose record the packet is on."""

    patient: Patient
    #: Self-started and not matched: reception may compare it with existing patients.
    can_match: bool
    candidates: int
    #: The match in force, which reception may undo.
    match: PatientMatch | None


def record_box(packet: Packet) -> RecordBox:
    matchable = can_match(packet)
    return RecordBox(
        patient=packet.patient,
        can_match=matchable,
        candidates=len(match_candidates(packet)) if matchable else 0,
        match=None if matchable else open_match(packet),
    )
