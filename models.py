"""Every table VisitPrep keeps, in one place.

Timestamps of events (created, submitted, logged in) are UTC and come back as
aware datetimes. Appointment times are the clinic's wall-clock time, stored
naive, because that is how patients and staff read them.

Health data lives only in packets and their child rows; the audit log and the
attempt records never hold it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A UTC instant: stored naive (portable), always aware in Python."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# Workflow values, kept here so forms, services and constraints share them.
ROLES = ("reception", "admin")
PACKET_STATUSES = ("draft", "submitted", "reviewed")
APPOINTMENT_STATUSES = ("scheduled", "cancelled")
LINK_KINDS = ("invitation", "resume")
#: Where a patient record came from: booked by reception, made when a patient started a
#: packet without an invitation (until reception matches it), or made by the migration that
#: introduced patients (one per packet that existed then).
PATIENT_ORIGINS = ("reception", "self_start", "migrated")
#: What an outbox message is for; each has its mail templates in templates/mail/.
MESSAGE_KINDS = ("link", "invitation", "previsit", "daily", "staff_alert", "staff_digest")
#: queued -> sending -> sent; sending -> retry (back-off) -> sending ...; -> dead after the
#: last try or a permanent refusal; skipped when its cause no longer holds at send time.
MESSAGE_STATUSES = ("queued", "sending", "retry", "sent", "dead", "skipped")
CHANNELS = ("email",)
HISTORY_KINDS = ("condition", "test", "surgery_injury", "allergy")
TREATMENT_EFFECTS = ("helped", "no_change", "worse", "unsure")
QUESTION_SOURCES = ("bank", "own", "suggested")
#: What the patient said about a row offered from their last visit ("Is this still right?").
#: A row with no review was typed new this time.
ROW_REVIEWS = ("kept", "changed", "stopped")
YES_NO_UNSURE = ("yes", "no", "unsure")
#: Red-flag levels, highest first; the packet keeps its highest for the queue.
FLAG_NONE, FLAG_TELL_DOCTOR, FLAG_URGENT, FLAG_EMERGENCY = 0, 1, 2, 3
SAFETY_CALL_STATUSES = ("open", "closed")
#: What reception records when it acts on a safety call.
SAFETY_CALL_OUTCOMES = (
    "advised_emergency",
    "advised_urgent_care",
    "booked_sooner",
    "left_message",
    "no_answer",
    "already_handled",
)
#: Outcomes after which the call stays open, due again later.
SAFETY_CALL_RETRY = ("left_message", "no_answer")
SAFETY_CALL_EVENT_KINDS = ("opened", "attempt", "closed")
#: Weekday keys of `Clinic.opening_hours`, Monday first (datetime.weekday() order).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def default_opening_hours() -> dict[str, list[str] | None]:
    """Monday to Friday, 8 AM to 5 PM, until an admin sets the clinic's own hours."""
    return {day: (["08:00", "17:00"] if day not in ("sat", "sun") else None)
            for day in WEEKDAYS}

#: The steps of a packet, in order. Keys appear in URLs and in `Packet.steps_saved`.
PACKET_STEPS = (
    "visit",
    "questions",
    "history",
    "medications",
    "treatments",
    "log",
    "check",
    "safety",
    "review",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Clinic(db.Model):
    """A clinic using VisitPrep; everything else belongs to exactly one."""

    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The stable part of the start link, `/c/<slug>`.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Shown to patients: the clinic's number, and the emergency number.
    phone: Mapped[str | None] = mapped_column(String(40))
    emergency_number: Mapped[str] = mapped_column(String(20), default="911")
    #: Patients may start a packet from the start link without an invitation.
    open_start: Mapped[bool] = mapped_column(Boolean, default=False)
    require_totp: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Packets are deleted this many days after their appointment.
    retention_days: Mapped[int] = mapped_column(Integer, default=90)
    #: An IANA time zone name (zoneinfo); every staff time is shown in it.
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    #: Weekday key (WEEKDAYS) -> ["HH:MM", "HH:MM"] opening and closing, or None: closed.
    #: An urgent safety call is due before the clinic closes.
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=default_opening_hours)
    #: The language of patient pages when neither the packet nor the browser says (en, es).
    default_language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    #: Where staff alerts (a safety call waiting) and the morning digest go: one address a line.
    alert_emails: Mapped[str] = mapped_column(Text, default="")
    #: Days before the visit to remind a patient whose packet is not sent, e.g. "3,1".
    reminder_days: Mapped[str] = mapped_column(String(40), default="3,1")
    #: The clinic-time hour of the morning digest, and of the reminders before a visit.
    digest_hour: Mapped[int] = mapped_column(Integer, default=7)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("retention_days BETWEEN 1 AND 3650", name="retention_days_range"),
        CheckConstraint("digest_hour BETWEEN 0 AND 23", name="digest_hour_range"),
    )

    def __repr__(self) -> str:
        return f"<Clinic {self.slug}>"


class Patient(db.Model):
    """A person a clinic sees, visit after visit: owns their appointments, packets and diary.

    Two records are never merged by the app on its own: matching a self-started packet to
    an existing patient is a staff member's decision (`PatientMatch`).
    """

    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120), default="")
    #: None only for a self-started patient who has not typed it yet.
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Issue 12 (mail) keeps the recipient on the appointment for now; this takes over later.
    email: Mapped[str | None] = mapped_column(String(254))
    #: The clinic's own record number (MRN), unique within the clinic when given.
    record_number: Mapped[str | None] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(20), default="reception")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clinic: Mapped[Clinic] = relationship()
    packets: Mapped[list[Packet]] = relationship(back_populates="patient")
    appointments: Mapped[list[Appointment]] = relationship(back_populates="patient")

    __table_args__ = (
        CheckConstraint(_in("origin", PATIENT_ORIGINS), name="origin_valid"),
        UniqueConstraint("clinic_id", "record_number", name="uq_patient_clinic_record"),
        Index("ix_patient_clinic_dob", "clinic_id", "date_of_birth"),
    )

    def __repr__(self) -> str:
        return f"<Patient {self.id}>"


class StaffUser(UserMixin, db.Model):
    """A member of a clinic's staff who logs in to the reception workspace.

    UserMixin gives Flask-Login's is_authenticated; `is_active` is the column below.
    """

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    #: Stored lower-cased; the login name, unique across clinics.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(20), default="reception")
    #: argon2id hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Set for a one-time password: the next login must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The last TOTP time step accepted, so a code works once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The language of this staff member's pages (a profile setting: en, es).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    clinic: Mapped[Clinic] = relationship()

    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role_valid"),)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"


class StaffSession(db.Model):
    """A staff login, held on the server so logout and disabling end it for good."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random id in the staff cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it ended: logout, idle, expired, disabled, password_changed.
    end_reason: Mapped[str | None] = mapped_column(String(30))

    user: Mapped[StaffUser] = relationship()


class WebSession(db.Model):
    """A browser's session (services/web_session.py): the cookie holds only a random id."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random id in the `vp_session` cookie.
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: What Flask keeps in `session`, as Flask's tagged JSON.
    data: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginAttempt(db.Model):
    """One staff login try; the throttle counts recent failures per email."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    #: password or totp
    stage: Mapped[str] = mapped_column(String(10), default="password")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The client's address (through the trusted proxies), for the per-address throttle.
    ip: Mapped[str | None] = mapped_column(String(45))

    __table_args__ = (Index("ix_login_attempt_email_at", "email", "at"),
                      Index("ix_login_attempt_ip_at", "ip", "at"))


class Appointment(db.Model):
    """A visit booked by reception, for which an invitation link is made."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    #: The name and date of birth as booked (the link's date-of-birth check uses this one).
    patient_name: Mapped[str] = mapped_column(String(120))
    date_of_birth: Mapped[date] = mapped_column(Date)
    #: Clinic wall-clock time.
    scheduled_for: Mapped[datetime] = mapped_column(DateTime)
    doctor: Mapped[str] = mapped_column(String(120), default="")
    #: Where reception mails the invitation (and reminders go until the patient gives one).
    patient_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    clinic: Mapped[Clinic] = relationship()
    patient: Mapped[Patient] = relationship(back_populates="appointments")
    packet: Mapped[Packet | None] = relationship(back_populates="appointment")
    links: Mapped[list[PacketLink]] = relationship(back_populates="appointment")

    __table_args__ = (
        CheckConstraint(_in("status", APPOINTMENT_STATUSES), name="status_valid"),
        Index("ix_appointment_clinic_scheduled", "clinic_id", "scheduled_for"),
        # The queue's doctor filter: each doctor's first and then next one, by index seeks.
        Index("ix_appointment_clinic_doctor", "clinic_id", "doctor", "scheduled_for"),
    )


class PacketLink(db.Model):
    """A secret link into a packet: a reception invitation or a self-start resume link.

    Only a hash of the token is kept. Five wrong dates of birth lock it until
    reception unlocks it; reissuing revokes it.
    """

    __tablename__ = "packet_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the URL token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the short code a patient can type on the start page (resume links).
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), index=True
    )
    packet_id: Mapped[int | None] = mapped_column(
        ForeignKey("packet.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dob_failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment | None] = relationship(back_populates="links")
    packet: Mapped[Packet | None] = relationship(back_populates="links")

    __table_args__ = (
        CheckConstraint(_in("kind", LINK_KINDS), name="kind_valid"),
        CheckConstraint(
            "appointment_id IS NOT NULL OR packet_id IS NOT NULL", name="has_target"
        ),
    )


class DobAttempt(db.Model):
    """One date-of-birth check on a link (the outcome only, never the date typed)."""

    __tablename__ = "dob_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("packet_link.id", ondelete="CASCADE"), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Packet(db.Model):
    """A patient's preparation for one visit: the unit reception reviews."""

    __tablename__ = "packet"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    #: Whose visit this is; a self-started packet has its own patient until matched.
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Bumped on every save; forms carry it so a stale save is caught, not applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # About the visit
    patient_name: Mapped[str] = mapped_column(String(120), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    #: Copied from the appointment, or typed by a self-started patient (wall-clock).
    visit_date: Mapped[date | None] = mapped_column(Date)
    doctor: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    hopes: Mapped[str] = mapped_column(Text, default="")
    #: Keys from content.vocab.REASON_PROMPTS.
    reason_prompts: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: A number the clinic can call today, kept exactly as the patient typed it.
    contact_phone: Mapped[str] = mapped_column(String(40), default="")

    # Medical history, the parts that are one per packet
    family_fibromyalgia: Mapped[str | None] = mapped_column(String(10))
    #: "kept" when the answer was confirmed from the last visit, "changed" when it differs.
    family_review: Mapped[str | None] = mapped_column(String(20))
    history_note: Mapped[str] = mapped_column(Text, default="")

    #: The patient's own words for the doctor, shown last on the summary.
    closing_words: Mapped[str] = mapped_column(Text, default="")

    #: The visit view's opening card, three short lines to read out at the visit.
    card_why: Mapped[str] = mapped_column(String(300), default="")
    card_change: Mapped[str] = mapped_column(String(300), default="")
    card_question: Mapped[str] = mapped_column(String(300), default="")
    # Reaching the patient between visits (mail holds no health data: SECURITY P8)
    #: The address the patient gave for their link and reminders.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    #: Clinic-time hour of the opt-in daily "how is today?" reminder; None = off.
    daily_reminder_hour: Mapped[int | None] = mapped_column(Integer)
    #: Reminders a few days before the visit while the packet is not sent.
    previsit_reminders: Mapped[bool] = mapped_column(Boolean, default=True)

    #: Step keys the patient has saved at least once.
    steps_saved: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Highest red-flag level (FLAG_*), kept current on every save for the queue.
    flag_level: Mapped[int] = mapped_column(Integer, default=FLAG_NONE)
    #: The language the patient uses (en, es): their pages, PDF and mails follow it.
    language: Mapped[str | None] = mapped_column(String(8))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )

    clinic: Mapped[Clinic] = relationship()
    patient: Mapped[Patient] = relationship(back_populates="packets")
    appointment: Mapped[Appointment | None] = relationship(back_populates="packet")
    reviewed_by: Mapped[StaffUser | None] = relationship()
    links: Mapped[list[PacketLink]] = relationship(back_populates="packet")
    questions: Mapped[list[PacketQuestion]] = relationship(
        back_populates="packet", order_by="PacketQuestion.position", cascade="all, delete-orphan"
    )
    history_items: Mapped[list[HistoryItem]] = relationship(
        back_populates="packet", order_by="HistoryItem.position", cascade="all, delete-orphan"
    )
    medications: Mapped[list[Medication]] = relationship(
        back_populates="packet", order_by="Medication.position", cascade="all, delete-orphan"
    )
    treatments: Mapped[list[TreatmentTried]] = relationship(
        back_populates="packet", order_by="TreatmentTried.position", cascade="all, delete-orphan"
    )
    symptom_entries: Mapped[list[SymptomEntry]] = relationship(
        back_populates="packet",
        order_by="SymptomEntry.recorded_at",
        cascade="all, delete-orphan",
    )
    body_check: Mapped[BodyCheck | None] = relationship(
        back_populates="packet", cascade="all, delete-orphan"
    )
    safety_answers: Mapped[list[SafetyAnswer]] = relationship(
        back_populates="packet", cascade="all, delete-orphan"
    )
    notes: Mapped[list[StaffNote]] = relationship(
        back_populates="packet", order_by="StaffNote.created_at", cascade="all, delete-orphan"
    )
    safety_calls: Mapped[list[SafetyCall]] = relationship(
        back_populates="packet", order_by="SafetyCall.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint(_in("status", PACKET_STATUSES), name="status_valid"),
        CheckConstraint("flag_level BETWEEN 0 AND 3", name="flag_level_range"),
        CheckConstraint(
            "daily_reminder_hour IS NULL OR daily_reminder_hour BETWEEN 0 AND 23",
            name="daily_reminder_hour_range",
        ),
        CheckConstraint(
            "family_fibromyalgia IS NULL OR " + _in("family_fibromyalgia", YES_NO_UNSURE),
            name="family_fibromyalgia_valid",
        ),
        # The queue: one clinic, one status, flagged first, then by visit date.
        Index("ix_packet_queue", "clinic_id", "status", "flag_level", "visit_date", "id"),
        Index("ix_packet_clinic_visit", "clinic_id", "visit_date"),
        Index("ix_packet_clinic_updated", "clinic_id", "status", "updated_at"),
        Index("ix_packet_patient_visit", "patient_id", "visit_date"),
    )

    @property
    def is_editable(self) -> bool:
        return self.status == "draft"


def name_words(name: str | None) -> list[str]:
    """The words of a name as the queue's search compares them: casefolded, each once."""
    return sorted(set((name or "").casefold().split()))


#: Binary order on every database, so a prefix is one index range (`word >= "lo"` and
#: `word < "lo" + MAX_CHAR`) whatever the server's collation.
WORD_TYPE = String(120).with_variant(String(120, collation="C"), "postgresql")


class PacketNameWord(db.Model):
    """One word of a packet's patient name: the queue's name search reads these by prefix.

    Kept by the packet's own insert and update (below); deleted with the packet.
    """

    __tablename__ = "packet_name_word"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("packet.id", ondelete="CASCADE"), primary_key=True
    )
    word: Mapped[str] = mapped_column(WORD_TYPE, primary_key=True)

    __table_args__ = (Index("ix_packet_name_word_word", "word", "packet_id"),)


def _write_name_words(connection: Any, packet: Packet) -> None:
    table = PacketNameWord.__table__
    connection.execute(table.delete().where(table.c.packet_id == packet.id))
    words = name_words(packet.patient_name)
    if words:
        connection.execute(table.insert(), [{"packet_id": packet.id, "word": w} for w in words])


@event.listens_for(Packet, "after_insert")
def _packet_name_words_on_insert(mapper: Any, connection: Any, target: Packet) -> None:
    _write_name_words(connection, target)


@event.listens_for(Packet, "after_update")
def _packet_name_words_on_update(mapper: Any, connection: Any, target: Packet) -> None:
    if inspect(target).attrs.patient_name.history.has_changes():
        _write_name_words(connection, target)


class ClinicTopic(db.Model):
    """A topic of a clinic's question bank (a copy of the built-in bank to start)."""

    __tablename__ = "clinic_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    #: The built-in topic it came from, if any.
    builtin_key: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    blurb: Mapped[str] = mapped_column(String(300), default="")
    #: The Spanish wording; empty means "not translated yet" (patients then see the English).
    title_es: Mapped[str | None] = mapped_column(String(120))
    blurb_es: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    questions: Mapped[list[ClinicQuestion]] = relationship(
        back_populates="topic", order_by="ClinicQuestion.position"
    )

    __table_args__ = (
        Index("ix_clinic_topic_clinic_position", "clinic_id", "position"),
        UniqueConstraint("clinic_id", "builtin_key", name="uq_clinic_topic_builtin"),
    )


class ClinicQuestion(db.Model):
    """A question in a clinic's bank. Packets copy its wording when ticked."""

    __tablename__ = "clinic_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("clinic_topic.id", ondelete="CASCADE"))
    builtin_key: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(300))
    #: The Spanish wording; empty means "not translated yet" (patients then see the English).
    text_es: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    topic: Mapped[ClinicTopic] = relationship(back_populates="questions")

    __table_args__ = (
        Index("ix_clinic_question_clinic_topic", "clinic_id", "topic_id", "position"),
        UniqueConstraint("clinic_id", "builtin_key", name="uq_clinic_question_builtin"),
    )


class PacketQuestion(db.Model):
    """A question the patient wants to ask: ticked from the bank, suggested, or their own."""

    __tablename__ = "packet_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    clinic_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinic_question.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(20), default="own")
    #: The topic title and wording as the patient saw them, kept if the bank changes.
    topic: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: 1-3 for the "most important today" questions, which lead the summary.
    top_rank: Mapped[int | None] = mapped_column(Integer)
    #: At the visit, on the patient's phone: ticked when asked, and what the doctor said.
    asked: Mapped[bool] = mapped_column(Boolean, default=False)
    doctor_said: Mapped[str] = mapped_column(Text, default="")
    #: The question of the previous packet this one carries forward ("ask it again").
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("packet_question.id", ondelete="SET NULL")
    )

    packet: Mapped[Packet] = relationship(back_populates="questions")

    __table_args__ = (
        CheckConstraint(_in("source", QUESTION_SOURCES), name="source_valid"),
        CheckConstraint("top_rank IS NULL OR top_rank BETWEEN 1 AND 3", name="top_rank_range"),
        UniqueConstraint("packet_id", "top_rank", name="uq_packet_question_top_rank"),
    )


class HistoryItem(db.Model):
    """A line of medical history: a condition, a test already done, a surgery or injury, an allergy."""

    __tablename__ = "history_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: A key from content.vocab (condition, test kind) or free text.
    name: Mapped[str] = mapped_column(String(200))
    #: For a test or scan: the kind picked from content.vocab.TEST_KINDS, kept beside a
    #: name the patient wrote (None when the name is itself the kind, or not a test).
    test_kind: Mapped[str | None] = mapped_column(String(30))
    #: "About when", in the patient's words.
    when_text: Mapped[str] = mapped_column(String(100), default="")
    #: The result if known, or any detail.
    detail: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The row of the patient's previous packet this one was offered from, and what the
    #: patient said about it (ROW_REVIEWS); both empty for a row typed new this time.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("history_item.id", ondelete="SET NULL")
    )
    review: Mapped[str | None] = mapped_column(String(20))

    packet: Mapped[Packet] = relationship(back_populates="history_items")

    __table_args__ = (
        CheckConstraint(_in("kind", HISTORY_KINDS), name="kind_valid"),
        CheckConstraint("review IS NULL OR " + _in("review", ROW_REVIEWS), name="review_valid"),
    )


class Medication(db.Model):
    """A medicine the patient takes."""

    __tablename__ = "medication"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: A key from content.vocab.MEDICATION_CLASSES, when the patient knows it.
    drug_class: Mapped[str | None] = mapped_column(String(30))
    dose: Mapped[str] = mapped_column(String(100), default="")
    frequency: Mapped[str] = mapped_column(String(100), default="")
    purpose: Mapped[str] = mapped_column(String(200), default="")
    since_text: Mapped[str] = mapped_column(String(100), default="")
    side_effects: Mapped[str] = mapped_column(Text, default="")
    #: For a medicine stopped since the last visit: about when, and why (patient's words).
    stopped_when: Mapped[str] = mapped_column(String(100), default="")
    stopped_why: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The row of the patient's previous packet this one was offered from, and what the
    #: patient said about it (ROW_REVIEWS); both empty for a row typed new this time.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("medication.id", ondelete="SET NULL")
    )
    review: Mapped[str | None] = mapped_column(String(20))

    packet: Mapped[Packet] = relationship(back_populates="medications")

    __table_args__ = (
        CheckConstraint("review IS NULL OR " + _in("review", ROW_REVIEWS), name="review_valid"),
    )


class TreatmentTried(db.Model):
    """Something the patient has tried for the pain, and how it went."""

    __tablename__ = "treatment_tried"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    #: A key from content.vocab.TREATMENTS, or "other" with `name`.
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200), default="")
    when_text: Mapped[str] = mapped_column(String(100), default="")
    effect: Mapped[str] = mapped_column(String(20), default="unsure")
    still_doing: Mapped[bool] = mapped_column(Boolean, default=False)
    why_stopped: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The row of the patient's previous packet this one was offered from, and what the
    #: patient said about it (ROW_REVIEWS); both empty for a row typed new this time.
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("treatment_tried.id", ondelete="SET NULL")
    )
    review: Mapped[str | None] = mapped_column(String(20))

    packet: Mapped[Packet] = relationship(back_populates="treatments")

    __table_args__ = (
        CheckConstraint(_in("effect", TREATMENT_EFFECTS), name="effect_valid"),
        CheckConstraint("review IS NULL OR " + _in("review", ROW_REVIEWS), name="review_valid"),
    )


class SymptomEntry(db.Model):
    """One entry in the symptom log; several a day are fine."""

    __tablename__ = "symptom_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The packet it was logged from.
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"))
    #: Whose diary it is in: entries belong to the patient, across visits.
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    #: When the patient says it was, in their wall-clock time.
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    pain: Mapped[int] = mapped_column(Integer)
    fatigue: Mapped[int | None] = mapped_column(Integer)
    #: Keys from content.body.AREAS (the 19 Widespread Pain Index areas).
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    where_text: Mapped[str] = mapped_column(String(500), default="")
    #: Keys from content.vocab: PAIN_QUALITIES, TRIGGERS, RELIEFS.
    qualities: Mapped[list[str]] = mapped_column(JSON, default=list)
    worse_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    helped_with: Mapped[list[str]] = mapped_column(JSON, default=list)
    sleep_hours: Mapped[float | None] = mapped_column()
    rested: Mapped[bool | None] = mapped_column(Boolean)
    stiffness_minutes: Mapped[int | None] = mapped_column(Integer)
    numbness: Mapped[bool] = mapped_column(Boolean, default=False)
    spasms: Mapped[bool] = mapped_column(Boolean, default=False)
    headache: Mapped[bool] = mapped_column(Boolean, default=False)
    digestive: Mapped[bool] = mapped_column(Boolean, default=False)
    mood: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    #: Names of the once-a-day answers (sleep, rested, stiffness) that came unchanged from
    #: the entry before, as services.packets.CARRIED_DAILY; counted once per day.
    carried: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    packet: Mapped[Packet] = relationship(back_populates="symptom_entries")

    __table_args__ = (
        CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
        CheckConstraint("fatigue IS NULL OR fatigue BETWEEN 0 AND 10", name="fatigue_range"),
        CheckConstraint(
            "sleep_hours IS NULL OR (sleep_hours >= 0 AND sleep_hours <= 24)",
            name="sleep_hours_range",
        ),
        CheckConstraint(
            "stiffness_minutes IS NULL OR stiffness_minutes BETWEEN 0 AND 1440",
            name="stiffness_range",
        ),
        Index("ix_symptom_entry_packet_recorded", "packet_id", "recorded_at"),
        Index("ix_symptom_entry_patient_recorded", "patient_id", "recorded_at"),
    )


class BodyCheck(db.Model):
    """The once-per-packet body and symptom check (ACR 2016 self-report items)."""

    __tablename__ = "body_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), unique=True)
    #: Widespread Pain Index areas with pain in the past week (content.body.AREAS keys).
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Symptom Severity items, 0-3 for the past week.
    fatigue: Mapped[int | None] = mapped_column(Integer)
    unrefreshed: Mapped[int | None] = mapped_column(Integer)
    cognitive: Mapped[int | None] = mapped_column(Integer)
    #: One point each, in the past 6 months.
    headaches: Mapped[bool | None] = mapped_column(Boolean)
    lower_abdomen: Mapped[bool | None] = mapped_column(Boolean)
    depression: Mapped[bool | None] = mapped_column(Boolean)
    #: Symptoms at a similar level for at least 3 months: yes / no / unsure.
    three_months: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    packet: Mapped[Packet] = relationship(back_populates="body_check")

    __table_args__ = (
        CheckConstraint("fatigue IS NULL OR fatigue BETWEEN 0 AND 3", name="fatigue_range"),
        CheckConstraint(
            "unrefreshed IS NULL OR unrefreshed BETWEEN 0 AND 3", name="unrefreshed_range"
        ),
        CheckConstraint("cognitive IS NULL OR cognitive BETWEEN 0 AND 3", name="cognitive_range"),
        CheckConstraint(
            "three_months IS NULL OR " + _in("three_months", YES_NO_UNSURE),
            name="three_months_valid",
        ),
    )


class SafetyAnswer(db.Model):
    """The patient's yes or no to one red-flag question (content.safety.QUESTIONS)."""

    __tablename__ = "safety_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(40))
    answer: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    packet: Mapped[Packet] = relationship(back_populates="safety_answers")

    __table_args__ = (
        UniqueConstraint("packet_id", "question_key", name="uq_safety_answer_packet_question"),
    )


class StaffNote(db.Model):
    """A note reception adds to a packet; patients never see these."""

    __tablename__ = "staff_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    packet: Mapped[Packet] = relationship(back_populates="notes")
    author: Mapped[StaffUser | None] = relationship()


class SafetyCall(db.Model):
    """A call reception must make because of an emergency or urgent answer.

    Opened by services.safety_calls when the answer is saved (draft or sent); closed
    only with an outcome. Each thing that happens to it is a SafetyCallEvent row.
    """

    __tablename__ = "safety_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"))
    #: The warning sign (services.flags.Flag.key: a safety question's key).
    flag_key: Mapped[str] = mapped_column(String(40))
    #: FLAG_URGENT or FLAG_EMERGENCY when it was raised.
    level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Emergency: when raised; urgent: before the clinic closes (its time zone); moved
    #: on by "no answer" and "left a message".
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Calls that did not reach the patient so far.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The latest outcome recorded (SAFETY_CALL_OUTCOMES), None until someone acts.
    outcome: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    #: Bumped by every action; the form carries it, so two people acting at once are told.
    version: Mapped[int] = mapped_column(Integer, default=1)

    packet: Mapped[Packet] = relationship(back_populates="safety_calls")
    closed_by: Mapped[StaffUser | None] = relationship()
    events: Mapped[list[SafetyCallEvent]] = relationship(
        back_populates="call", order_by="SafetyCallEvent.id", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint(_in("status", SAFETY_CALL_STATUSES), name="status_valid"),
        CheckConstraint("level BETWEEN 2 AND 3", name="level_range"),
        CheckConstraint(
            "outcome IS NULL OR " + _in("outcome", SAFETY_CALL_OUTCOMES), name="outcome_valid"
        ),
        CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_time"),
        # Reception's list: one clinic's open calls, soonest due first.
        Index("ix_safety_call_clinic_status_due", "clinic_id", "status", "due_at"),
        Index("ix_safety_call_packet_flag", "packet_id", "flag_key"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class SafetyCallEvent(db.Model):
    """One thing that happened to a safety call: opened, a try, closed. Never changed."""

    __tablename__ = "safety_call_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("safety_call.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(10))
    #: Who acted; None when the patient's answer opened the call.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    #: When the call is due after this event.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[SafetyCall] = relationship(back_populates="events")
    actor: Mapped[StaffUser | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("kind", SAFETY_CALL_EVENT_KINDS), name="kind_valid"),
        CheckConstraint(
            "outcome IS NULL OR " + _in("outcome", SAFETY_CALL_OUTCOMES), name="outcome_valid"
        ),
    )


@event.listens_for(SafetyCallEvent, "before_update")
def _call_events_are_append_only(mapper: Any, connection: Any, target: SafetyCallEvent) -> None:
    raise RuntimeError("Safety call events are append-only")
class PatientMatch(db.Model):
    """A staff member's decision that a self-started packet belongs to an existing patient.

    The packet (with its diary entries) moved from `from_patient` to `to_patient`; undoing
    moves it back and keeps this row, with who undid it and when.
    """

    __tablename__ = "patient_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    packet_id: Mapped[int] = mapped_column(ForeignKey("packet.id", ondelete="CASCADE"), index=True)
    #: The patient record the packet was started under.
    from_patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="SET NULL")
    )
    to_patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patient.id", ondelete="SET NULL")
    )
    matched_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    from_patient: Mapped[Patient | None] = relationship(foreign_keys=[from_patient_id])
    to_patient: Mapped[Patient | None] = relationship(foreign_keys=[to_patient_id])
    matched_by: Mapped[StaffUser | None] = relationship(foreign_keys=[matched_by_id])


class OutboxMessage(db.Model):
    """A message to send, written in the same transaction as what caused it (SECURITY R9).

    The worker claims a row by a conditional status change, sends it, and marks it sent in
    one transaction; the body is rendered at send time and never stored. A mailed link is
    derived from `link_seed` and the app's secret key, so only its hash is in packet_link
    and a retry mails the same link; the seed is cleared once the message is done.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(20), default="email")
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    #: Tries so far (a claim counts as a try).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Not to be sent before this; moved on by the back-off after a failure.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the current claim was taken: a stale claim (the worker died) is taken again.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The mail server's answer or the connection error (never the body).
    last_error: Mapped[str] = mapped_column(String(500), default="")
    #: One message per cause and moment, e.g. "previsit:12:2026-12-04:3".
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    #: What caused it, e.g. ("appointment", 12), ("packet", 40), ("safety_call", 3).
    cause_type: Mapped[str] = mapped_column(String(40))
    cause_id: Mapped[int | None] = mapped_column(Integer)
    packet_id: Mapped[int | None] = mapped_column(ForeignKey("packet.id", ondelete="SET NULL"))
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id", ondelete="SET NULL")
    )
    #: The link this message carries, if any.
    link_id: Mapped[int | None] = mapped_column(ForeignKey("packet_link.id", ondelete="SET NULL"))
    link_seed: Mapped[str | None] = mapped_column(String(64))
    #: The visit date the message names (clinic wall-clock date).
    visit_date: Mapped[date | None] = mapped_column(Date)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    #: A resend points at the message it repeats.
    resent_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL")
    )

    clinic: Mapped[Clinic] = relationship()
    link: Mapped[PacketLink | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", MESSAGE_STATUSES), name="status_valid"),
        CheckConstraint(_in("kind", MESSAGE_KINDS), name="kind_valid"),
        CheckConstraint(_in("channel", CHANNELS), name="channel_valid"),
        Index("ix_outbox_message_status_due", "status", "due_at"),
        Index("ix_outbox_message_clinic_created", "clinic_id", "created_at"),
        Index("ix_outbox_message_appointment", "appointment_id"),
        Index("ix_outbox_message_packet", "packet_id"),
    )


class AuditEvent(db.Model):
    """Who did what to which object, and how it went. Append-only; never health data."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinic.id", ondelete="SET NULL"))
    #: staff, patient or system
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    #: A readable name for the actor (a staff email, "patient", "cli").
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    #: Dotted verb, e.g. "staff.login", "packet.view", "packet.export_pdf".
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    #: success, failure or denied
    outcome: Mapped[str] = mapped_column(String(20), default="success")
    ip: Mapped[str | None] = mapped_column(String(45))
    #: Non-health context only (e.g. which field changed, a filter used).
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_event_clinic_at", "clinic_id", "at"),
        Index("ix_audit_event_object", "object_type", "object_id"),
        CheckConstraint(_in("outcome", ("success", "failure", "denied")), name="outcome_valid"),
    )


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise RuntimeError("The audit log is append-only")


@event.listens_for(SymptomEntry, "before_insert")
def _entry_joins_the_packets_diary(mapper: Any, connection: Any, target: SymptomEntry) -> None:
    """An entry logged in a packet goes into that packet's patient's diary.

    Entries are made through `packet.symptom_entries`; the patient is the packet's at the
    moment of logging (matching a packet later moves its entries with it).
    """
    if target.patient_id is not None:
        return
    if target.packet is not None and target.packet.patient_id is not None:
        target.patient_id = target.packet.patient_id
    elif target.packet_id is not None:
        target.patient_id = connection.scalar(
            select(Packet.patient_id).where(Packet.id == target.packet_id))
