"""Clinic administration: staff accounts, the clinic's question bank, settings, the audit log.

Every function takes the acting admin, works only inside the admin's clinic, writes an
audit row and commits. A refusal is an AdminError whose message the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from extensions import db
from models import ROLES, AuditEvent, Clinic, ClinicQuestion, ClinicTopic, StaffUser
from services.audit import record
from services.clinics import ClinicError, create_staff, end_sessions
from services.passwords import hash_password, one_time_password
from services.queue import MAX_ID

AUDIT_PAGE = 50


class AdminError(ValueError):
    """An admin action that cannot be done, with a message for the admin."""


# Staff ------------------------------------------------------------------------------------


def staff_of(clinic_id: int) -> list[StaffUser]:
    return list(db.session.scalars(
        db.select(StaffUser).filter_by(clinic_id=clinic_id).order_by(
            StaffUser.is_active.desc(), func.lower(StaffUser.email))
    ))


def staff_member(admin: StaffUser, user_id: int) -> StaffUser | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(StaffUser).where(StaffUser.id == user_id, StaffUser.clinic_id == admin.clinic_id)
    )


def invite_staff(admin: StaffUser, email: str, name: str, role: str,
                 ip: str | None = None) -> tuple[StaffUser, str]:
    """A new account with a one-time password, returned once."""
    try:
        user, password = create_staff(admin.clinic, email, role, name)
    except ClinicError as exc:
        raise AdminError(str(exc)) from None
    db.session.flush()
    record("staff.create", actor=admin, object_type="staff_user", object_id=user.id, ip=ip,
           detail={"role": role})
    db.session.commit()
    return user, password


#: What an admin may not do to their own account, as the message says it.
SELF_ACTIONS = {
    "role": _l("You can't change the role of your own account. Ask another admin."),
    "disable": _l("You can't disable your own account. Ask another admin."),
    "password": _l("You can't reset the password of your own account. Ask another admin."),
}


def _not_self(admin: StaffUser, user: StaffUser, what: str) -> None:
    if admin.id == user.id:
        raise AdminError(str(SELF_ACTIONS[what]))


def change_role(admin: StaffUser, user: StaffUser, role: str, ip: str | None = None) -> None:
    if role not in ROLES:
        raise AdminError(_("Choose reception or admin."))
    _not_self(admin, user, "role")
    if user.role == role:
        return
    old, user.role = user.role, role
    record("staff.role", actor=admin, object_type="staff_user", object_id=user.id, ip=ip,
           detail={"from": old, "to": role})
    db.session.commit()


def set_active(admin: StaffUser, user: StaffUser, active: bool, ip: str | None = None) -> int:
    """Disable (ending every session at once) or enable an account."""
    _not_self(admin, user, "disable")
    ended = 0
    user.is_active = active
    if not active:
        ended = end_sessions(user, "disabled")
    record("staff.enable" if active else "staff.disable", actor=admin, object_type="staff_user",
           object_id=user.id, ip=ip, detail={"sessions_ended": ended})
    db.session.commit()
    return ended


def reset_totp(admin: StaffUser, user: StaffUser, ip: str | None = None) -> None:
    """Forget the account's two-step secret; it sets up a new one at the next login."""
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    end_sessions(user, "totp_reset")
    record("staff.totp_reset", actor=admin, object_type="staff_user", object_id=user.id, ip=ip)
    db.session.commit()


def clear_login_throttle(admin: StaffUser, user: StaffUser, ip: str | None = None) -> None:
    """Let an account whose login waits after many wrong tries try again at once."""
    from services.staff_auth import clear_throttle

    clear_throttle(user, "cleared", ip)
    record("staff.login_cleared", actor=admin, object_type="staff_user", object_id=user.id,
           ip=ip)
    db.session.commit()


def reset_password(admin: StaffUser, user: StaffUser, ip: str | None = None) -> str:
    """A new one-time password (shown once); the old password and sessions stop working."""
    _not_self(admin, user, "password")
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sessions(user, "password_reset")
    record("staff.password_reset", actor=admin, object_type="staff_user", object_id=user.id,
           ip=ip)
    db.session.commit()
    return password


# Question bank ----------------------------------------------------------------------------


def topics_of(clinic_id: int) -> list[ClinicTopic]:
    from sqlalchemy.orm import selectinload

    return list(db.session.scalars(
        db.select(ClinicTopic)
        .filter_by(clinic_id=clinic_id)
        .options(selectinload(ClinicTopic.questions))
        .order_by(ClinicTopic.position, ClinicTopic.id)
    ))


def topic_of(admin: StaffUser, topic_id: int) -> ClinicTopic | None:
    if not 0 < topic_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(ClinicTopic).where(ClinicTopic.id == topic_id,
                                     ClinicTopic.clinic_id == admin.clinic_id)
    )


def question_of(admin: StaffUser, question_id: int) -> ClinicQuestion | None:
    if not 0 < question_id <= MAX_ID:
        return None
    return db.session.scalar(
        db.select(ClinicQuestion).where(ClinicQuestion.id == question_id,
                                        ClinicQuestion.clinic_id == admin.clinic_id)
    )


def _bank_audit(admin: StaffUser, action: str, obj: ClinicTopic | ClinicQuestion,
                ip: str | None, **detail: object) -> None:
    kind = "clinic_topic" if isinstance(obj, ClinicTopic) else "clinic_question"
    record(action, actor=admin, object_type=kind, object_id=obj.id, ip=ip, detail=detail)


def _next_position(column, **where) -> int:
    """The position after the last one in a topic list or a topic (0 for an empty one)."""
    last = db.session.scalar(db.select(func.max(column)).filter_by(**where))
    return 0 if last is None else last + 1


def _spanish(text: str | None) -> str | None:
    """A Spanish wording as stored: None when there is none (shown as missing to admins)."""
    return (text or "").strip() or None


def add_topic(admin: StaffUser, title: str, blurb: str, ip: str | None = None,
              title_es: str | None = None, blurb_es: str | None = None) -> ClinicTopic:
    topic = ClinicTopic(clinic_id=admin.clinic_id, title=title.strip(), blurb=blurb.strip(),
                        title_es=_spanish(title_es), blurb_es=_spanish(blurb_es),
                        position=_next_position(ClinicTopic.position, clinic_id=admin.clinic_id))
    db.session.add(topic)
    db.session.flush()
    _bank_audit(admin, "bank.topic_add", topic, ip)
    db.session.commit()
    return topic


def edit_topic(admin: StaffUser, topic: ClinicTopic, title: str, blurb: str,
               ip: str | None = None, title_es: str | None = None,
               blurb_es: str | None = None) -> None:
    topic.title, topic.blurb = title.strip(), blurb.strip()
    topic.title_es, topic.blurb_es = _spanish(title_es), _spanish(blurb_es)
    _bank_audit(admin, "bank.topic_edit", topic, ip)
    db.session.commit()


def add_question(admin: StaffUser, topic: ClinicTopic, text: str,
                 ip: str | None = None, text_es: str | None = None) -> ClinicQuestion:
    question = ClinicQuestion(clinic_id=admin.clinic_id, topic_id=topic.id, text=text.strip(),
                              text_es=_spanish(text_es),
                              position=_next_position(ClinicQuestion.position, topic_id=topic.id))
    db.session.add(question)
    db.session.flush()
    _bank_audit(admin, "bank.question_add", question, ip)
    db.session.commit()
    return question


def edit_question(admin: StaffUser, question: ClinicQuestion, text: str, topic: ClinicTopic,
                  ip: str | None = None, text_es: str | None = None) -> None:
    """Change the wording (packets keep the wording they copied) or move it to another topic."""
    if topic.id != question.topic_id:
        question.position = _next_position(ClinicQuestion.position, topic_id=topic.id)
        question.topic_id = topic.id
    question.text = text.strip()
    question.text_es = _spanish(text_es)
    _bank_audit(admin, "bank.question_edit", question, ip)
    db.session.commit()


def toggle_hidden(admin: StaffUser, obj: ClinicTopic | ClinicQuestion,
                  ip: str | None = None) -> bool:
    obj.hidden = not obj.hidden
    _bank_audit(admin, "bank.hide" if obj.hidden else "bank.show", obj, ip)
    db.session.commit()
    return obj.hidden


def move(admin: StaffUser, obj: ClinicTopic | ClinicQuestion, direction: str,
         ip: str | None = None) -> bool:
    """Swap with the neighbour above or below; positions are renumbered 0..n first."""
    if isinstance(obj, ClinicTopic):
        siblings = list(db.session.scalars(
            db.select(ClinicTopic).filter_by(clinic_id=admin.clinic_id)
            .order_by(ClinicTopic.position, ClinicTopic.id)))
    else:
        siblings = list(db.session.scalars(
            db.select(ClinicQuestion).filter_by(topic_id=obj.topic_id)
            .order_by(ClinicQuestion.position, ClinicQuestion.id)))
    index = siblings.index(obj)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, row in enumerate(siblings):
        row.position = position
    _bank_audit(admin, "bank.move", obj, ip, direction=direction)
    db.session.commit()
    return True


# Settings ---------------------------------------------------------------------------------

#: The mail settings; a form that does not send one leaves it as it is.
MAIL_SETTINGS = ("alert_emails", "reminder_days", "digest_hour")
SETTINGS = ("name", "phone", "emergency_number", "require_totp", "open_start",
            "retention_days", "timezone", *MAIL_SETTINGS)


def update_settings(admin: StaffUser, values: dict, ip: str | None = None) -> list[str]:
    """Save the clinic's settings; returns the names of the ones that changed."""
    clinic: Clinic = admin.clinic
    changed = []
    for key in SETTINGS:
        value = values[key]
        if isinstance(value, str):
            value = value.strip()
        if key == "phone":
            value = value or None
        if getattr(clinic, key) != value:
            setattr(clinic, key, value)
            changed.append(key)
    hours = values.get("opening_hours")
    if hours is not None and hours != clinic.opening_hours:
        clinic.opening_hours = hours
        changed.append("opening_hours")
    if changed:
        record("clinic.settings", actor=admin, object_type="clinic", object_id=clinic.id, ip=ip,
               detail={"changed": changed})
        db.session.commit()
    return changed


# Audit log --------------------------------------------------------------------------------


@dataclass
class AuditFilters:
    actor_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_actions(clinic_id: int) -> list[str]:
    return list(db.session.scalars(
        db.select(AuditEvent.action).filter_by(clinic_id=clinic_id).distinct()
        .order_by(AuditEvent.action)
    ))


def audit_page(clinic_id: int, filters: AuditFilters, before_id: int | None = None,
               limit: int = AUDIT_PAGE) -> tuple[list[AuditEvent], int | None]:
    """Newest first, keyset on id; returns the rows and the id to continue before."""
    from datetime import UTC

    query = db.select(AuditEvent).where(AuditEvent.clinic_id == clinic_id)
    if filters.actor_id:
        query = query.where(AuditEvent.actor_type == "staff",
                            AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(filters.date_from, time.min,
                                                              tzinfo=UTC))
    if filters.date_to:
        query = query.where(AuditEvent.at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, tzinfo=UTC))
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    rows = list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    more = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], more


# Outbox ------------------------------------------------------------------------------------

OUTBOX_PAGE = 50


@dataclass
class OutboxFilters:
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def outbox_page(clinic_id: int, filters: OutboxFilters, before_id: int | None = None,
                limit: int = OUTBOX_PAGE):
    """The clinic's messages, newest first, keyset on id (made-at dates in UTC)."""
    from datetime import UTC

    from models import OutboxMessage

    query = db.select(OutboxMessage).where(OutboxMessage.clinic_id == clinic_id)
    if filters.kind:
        query = query.where(OutboxMessage.kind == filters.kind)
    if filters.status:
        query = query.where(OutboxMessage.status == filters.status)
    if filters.date_from:
        query = query.where(OutboxMessage.created_at >= datetime.combine(
            filters.date_from, time.min, tzinfo=UTC))
    if filters.date_to:
        query = query.where(OutboxMessage.created_at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, tzinfo=UTC))
    if before_id:
        query = query.where(OutboxMessage.id < before_id)
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit + 1)))
    more = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], more


def resend_message(admin: StaffUser, message_id: int, ip: str | None = None):
    """Send a failed message again as a new one (a new link); None if not the clinic's or
    not failed."""
    from models import OutboxMessage
    from services import outbox

    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.clinic_id != admin.clinic_id or message.status != "dead":
        return None
    again = outbox.resend(message, admin.id)
    record("mail.resend", actor=admin, object_type="outbox_message", object_id=message.id, ip=ip,
           detail={"kind": message.kind, "to": outbox.mask(message.recipient)})
    db.session.commit()
    return again
