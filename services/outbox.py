"""The outbox: every message to send is a row first, sent exactly once by a worker.

`enqueue` adds a row to the caller's transaction (so it is written with its cause, or not
at all). After the commit the job queue is told (services.jobs); if it cannot be told, the
worker's sweep finds the row anyway. A worker claims a row with a conditional status change
(and `FOR UPDATE SKIP LOCKED` on PostgreSQL for a batch), renders and sends it, and marks it
sent in one transaction with its audit row. A failure moves it to `retry` with a growing
delay, and to `dead` after the last try or a permanent refusal: staff see both.

The one window no SMTP client can close: the worker dies after the server accepted a
message and before the row is marked sent. The stale claim is taken again after the lease
and the message goes again with the same Message-ID and the same link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extensions import db
from models import Clinic, OutboxMessage, Packet, PacketLink, utcnow
from services.audit import record
from services.channels import PermanentFailure, Rendered, TemporaryFailure, channel_for
from services.invitations import patient_link, public_base_url
from services.tokens import link_state

log = logging.getLogger("visitprep.outbox")

#: Kinds that carry a personal link into the packet (through the date-of-birth check).
LINK_KINDS = {"link", "invitation", "previsit", "daily"}
#: Reminders a patient can stop with one click (RFC 8058).
REMINDER_KINDS = {"previsit", "daily"}
STAFF_KINDS = {"staff_alert", "staff_digest"}
DONE = ("sent", "dead", "skipped")
_NEW_IDS = "outbox_new_ids"


# Links in mail -----------------------------------------------------------------------------


def mail_token(seed: str) -> str:
    """The link token of a message: derived from its seed and the app's secret, so the same
    link goes out on every try while only its hash (and the seed) is in the database."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"visitprep-mail-link\0" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_seed() -> str:
    return secrets.token_urlsafe(32)


def mask(address: str) -> str:
    """s***@example.org: enough for staff to recognise, not to read out."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# Writing rows ------------------------------------------------------------------------------


def enqueue(
    *,
    clinic_id: int,
    kind: str,
    recipient: str,
    key: str,
    cause_type: str,
    cause_id: int | None = None,
    packet: Packet | None = None,
    appointment_id: int | None = None,
    make_link: Callable[[str], PacketLink] | None = None,
    visit_date: date | None = None,
    due_at: datetime | None = None,
    locale: str = "en",
    created_by_id: int | None = None,
    resent_from_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the caller's transaction; the same key twice gives the first row.

    `make_link(token)` makes the PacketLink the message will carry (only its hash is kept).
    """
    existing = db.session.scalar(db.select(OutboxMessage).filter_by(idempotency_key=key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        clinic_id=clinic_id, kind=kind, recipient=recipient.strip(), idempotency_key=key,
        cause_type=cause_type, cause_id=cause_id,
        packet_id=packet.id if packet is not None else None,
        appointment_id=appointment_id if appointment_id is not None else (
            packet.appointment_id if packet is not None else None),
        visit_date=visit_date, due_at=due_at or utcnow(), locale=locale or "en",
        created_by_id=created_by_id, resent_from_id=resent_from_id, status="queued",
    )
    if make_link is not None:
        message.link_seed = new_seed()
        message.link = make_link(mail_token(message.link_seed))
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        # Two causes raced to the same key: the other one's row stands.
        existing = db.session.scalar(db.select(OutboxMessage).filter_by(idempotency_key=key))
        if existing is None:
            raise
        return existing
    db.session.info.setdefault(_NEW_IDS, []).append(message.id)
    return message


@event.listens_for(Session, "after_commit")
def _tell_the_queue(session: Session) -> None:
    """After the rows are safely written, ask the job queue to send them now.

    SQLAlchemy also calls this when a SAVEPOINT is released (every `enqueue` makes one),
    while the transaction around it is still open: a worker told then finds no row it can
    see, and the message waits for the minute tick. Only the outermost commit tells."""
    if session.in_nested_transaction():
        return
    ids = session.info.pop(_NEW_IDS, None)
    if ids:
        from services import jobs

        jobs.send_soon(ids)


@event.listens_for(Session, "after_rollback")
def _forget_new(session: Session) -> None:
    """A rolled-back transaction wrote nothing to tell. A SAVEPOINT rolled back inside it
    (a key two causes raced to, or a caller's own) leaves the messages written before it."""
    if session.in_nested_transaction():
        return
    session.info.pop(_NEW_IDS, None)


# Sending -----------------------------------------------------------------------------------


def _claimable(now: datetime):
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE_SECONDS"])
    return or_(
        and_(OutboxMessage.status.in_(("queued", "retry")), OutboxMessage.due_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - lease),
    )


def _claim(message_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_due(now: datetime | None = None, limit: int = 50) -> list[int]:
    """Claim up to `limit` due messages in one transaction; other workers skip them."""
    now = now or utcnow()
    ids = list(db.session.scalars(
        db.select(OutboxMessage.id).where(_claimable(now))
        .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
        .with_for_update(skip_locked=True)
    ))
    claimed = [message_id for message_id in ids if _claim(message_id, now)]
    db.session.commit()
    return claimed


def deliver(message_id: int) -> str:
    """Claim one message and send it; returns what happened to it."""
    claimed = _claim(message_id, utcnow())
    db.session.commit()
    if not claimed:
        return "not_claimed"
    return _send_claimed(message_id)


def deliver_due(limit: int = 1) -> dict[str, int]:
    """Send every message that is due (or whose worker died).

    One claim at a time by default: a message is claimed just before it is sent, so a
    killed worker strands only the one in hand, and a slow server cannot hold a batch past
    its lease (which would let another worker send it too)."""
    counts: dict[str, int] = {}
    while True:
        ids = claim_due(limit=limit)
        for message_id in ids:
            outcome = _send_claimed(message_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        if len(ids) < limit:
            return counts


def _send_claimed(message_id: int) -> str:
    message = db.session.get(OutboxMessage, message_id)
    claimed_at = message.claimed_at
    reason = why_not_wanted(message)
    if reason:
        return _finish(message, claimed_at, status="skipped", error=reason)
    try:
        rendered = render(message)
        channel_for(message).send(message, rendered)
    except PermanentFailure as exc:
        return _fail(message, claimed_at, str(exc), permanent=True)
    except TemporaryFailure as exc:
        return _fail(message, claimed_at, str(exc), permanent=False)
    except Exception as exc:  # noqa: BLE001 - a bug in rendering must not lose the message
        log.exception("outbox message %s could not be sent", message_id)
        db.session.rollback()
        message = db.session.get(OutboxMessage, message_id)
        return _fail(message, claimed_at, f"{type(exc).__name__}", permanent=False)
    return _finish(message, claimed_at, status="sent")


def _finish(message: OutboxMessage, claimed_at: datetime, *, status: str,
            error: str = "") -> str:
    """Mark a claimed message done, only if the claim is still ours (one transaction)."""
    now = utcnow()
    values = {"status": status, "link_seed": None, "last_error": error[:500]}
    if status == "sent":
        values["sent_at"] = now
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == "sending",
               OutboxMessage.claimed_at == claimed_at)
        .values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        log.warning("outbox message %s was claimed again while it was being sent", message.id)
        return "lost_claim"
    record(f"mail.{status}", actor_type="system", actor_label="mailer",
           clinic_id=message.clinic_id, object_type="outbox_message", object_id=message.id,
           outcome="success" if status == "sent" else "failure",
           detail={"kind": message.kind, "to": mask(message.recipient),
                   "attempt": message.attempts, **({"why": error} if error else {})})
    db.session.commit()
    return status


def backoff(attempts: int) -> int:
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), current_app.config["MAIL_RETRY_MAX_SECONDS"])


def _fail(message: OutboxMessage, claimed_at: datetime, error: str, *, permanent: bool) -> str:
    if permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        return _finish(message, claimed_at, status="dead", error=error)
    delay = backoff(message.attempts)
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == "sending",
               OutboxMessage.claimed_at == claimed_at)
        .values(status="retry", last_error=error[:500],
                due_at=utcnow() + timedelta(seconds=delay))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount == 1:
        from services import jobs

        jobs.send_soon([message.id], delay=delay)
    return "retry"


def why_not_wanted(message: OutboxMessage) -> str:
    """A reason the message should no longer go (its cause has gone), or ""."""
    link = message.link
    if message.kind in LINK_KINDS:
        if link is None or message.link_seed is None:
            return "the link is gone"
        if link_state(link) in ("revoked", "expired"):
            return "a newer link replaced this one"
        if link.appointment is not None and link.appointment.status == "cancelled":
            return "the appointment was cancelled"
    if message.kind in REMINDER_KINDS:
        packet = db.session.get(Packet, message.packet_id) if message.packet_id else None
        if packet is not None and packet.status != "draft":
            return "the packet was sent"
        if message.kind == "previsit" and packet is not None and not packet.previsit_reminders:
            return "the patient stopped these reminders"
        if message.kind == "daily" and (packet is None or packet.daily_reminder_hour is None):
            return "the patient stopped these reminders"
    return ""


# Rendering ---------------------------------------------------------------------------------


SUBJECTS = {
    "link": lambda c: _("Your link to get ready for your visit at %(clinic)s", clinic=c),
    "invitation": lambda c: _("Get ready for your visit at %(clinic)s", clinic=c),
    "previsit": lambda c: _("Your visit at %(clinic)s is soon", clinic=c),
    "daily": lambda c: _("How is today? A note from %(clinic)s", clinic=c),
    "staff_alert": lambda c: _("A safety call is waiting at %(clinic)s", clinic=c),
    "staff_digest": lambda c: _("This morning at %(clinic)s", clinic=c),
}


def render(message: OutboxMessage) -> Rendered:
    """The subject, text and HTML of a message, in its language. Only the clinic, the
    visit date and links: never an answer, a reason, a flag or a name (SECURITY P8)."""
    from services import reminders, staff_alerts

    clinic = db.session.get(Clinic, message.clinic_id)
    base = public_base_url()
    context = {"clinic": clinic, "visit_date": message.visit_date, "kind": message.kind,
               "lang": message.locale or "en"}
    headers: dict[str, str] = {}
    if message.kind in LINK_KINDS:
        context["link"] = patient_link(base, mail_token(message.link_seed))
    if message.kind in REMINDER_KINDS and message.packet_id:
        token = reminders.settings_token(message.packet_id, message.kind)
        context["settings_url"] = f"{base}/r/{token}"
        context["unsubscribe_url"] = f"{base}/r/{token}/stop"
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message.kind in STAFF_KINDS:
        context["login_url"] = f"{base}/reception/login"
        if message.kind == "staff_digest":
            context.update(staff_alerts.digest_counts(clinic, message.visit_date))
    with force_locale(message.locale or "en"):
        subject = str(SUBJECTS[message.kind](clinic.name))
        context["subject"] = subject
        text = render_template(f"mail/{message.kind}.txt", **context)
        html = render_template(f"mail/{message.kind}.html", **context)
    return Rendered(subject=subject, text=text, html=html, headers=headers)


# Staff views -------------------------------------------------------------------------------


KIND_LABELS = {
    "link": _l("Link the patient asked for"), "invitation": _l("Invitation"),
    "previsit": _l("Reminder before the visit"), "daily": _l("Daily reminder"),
    "staff_alert": _l("Safety call alert"), "staff_digest": _l("Morning digest"),
}
STATUS_LABELS = {
    "queued": _l("Waiting to send"), "sending": _l("Sending"),
    "retry": _l("Not sent yet: will try again"), "sent": _l("Sent"),
    "dead": _l("Failed: not sent"), "skipped": _l("Not needed any more"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(message: OutboxMessage) -> str:
    return str(STATUS_LABELS.get(message.status, message.status))



def resend(message: OutboxMessage, user_id: int | None) -> OutboxMessage:
    """A new message like a failed one, with a new link; the caller commits."""
    from services import reminders

    count = db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage)
        .filter_by(resent_from_id=message.id)) or 0
    make_link = None
    if message.kind in LINK_KINDS:
        make_link = reminders.link_maker(
            db.session.get(Packet, message.packet_id) if message.packet_id else None,
            message.appointment_id, revoke=message.kind == "invitation")
    return enqueue(
        clinic_id=message.clinic_id, kind=message.kind, recipient=message.recipient,
        key=f"resend:{message.id}:{count + 1}", cause_type="resend", cause_id=message.id,
        packet=db.session.get(Packet, message.packet_id) if message.packet_id else None,
        appointment_id=message.appointment_id, make_link=make_link,
        visit_date=message.visit_date, locale=message.locale, created_by_id=user_id,
        resent_from_id=message.id,
    )
