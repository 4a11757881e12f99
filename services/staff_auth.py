"""Staff sign-in: server-side sessions, the per-account login throttle, and TOTP codes.

Everything here is a plain function over the database, so it is tested without a
request. `now()` is the one clock: tests replace it to step past the time-outs.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
import segno
from sqlalchemy import func, update

from extensions import db
from models import LoginAttempt, StaffSession, StaffUser
from services.audit import record
from services.clinics import end_sessions
from services.passwords import dummy_hash, hash_password, needs_rehash, verify_password

#: What the authenticator app shows as the account's issuer.
TOTP_ISSUER = "VisitPrep"
TOTP_INTERVAL = 30



def now() -> datetime:
    """The current UTC time; tests monkeypatch this to move the clock."""
    return datetime.now(UTC)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Sessions ---------------------------------------------------------------------------------

#: `last_seen_at` is written at most this often, so every page view is not a write.
TOUCH_EVERY = timedelta(seconds=30)


def start_session(user: StaffUser) -> str:
    """Open a new server-side session and return the random id for the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    at = now()
    db.session.add(
        StaffSession(token_hash=_hash(token), user_id=user.id, created_at=at, last_seen_at=at)
    )
    user.last_login_at = at
    return token


def session_for(token: str | None) -> StaffSession | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(db.select(StaffSession).filter_by(token_hash=_hash(token)))


@dataclass
class SessionCheck:
    user: StaffUser | None
    #: Why the session just ended (idle, expired, disabled), when this check ended it.
    ended: str | None = None


def load_session(token: str | None, idle: timedelta, absolute: timedelta) -> SessionCheck:
    """The staff member a cookie belongs to, if its session is still open; ends stale ones."""
    row = session_for(token)
    if row is None or row.ended_at is not None:
        return SessionCheck(None)
    at = now()
    reason = None
    if not row.user.is_active:
        reason = "disabled"
    elif at - row.created_at > absolute:
        reason = "expired"
    elif at - row.last_seen_at > idle:
        reason = "idle"
    if reason:
        row.ended_at, row.end_reason = at, reason
        db.session.commit()
        return SessionCheck(None, reason)
    if at - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = at
        db.session.commit()
    return SessionCheck(row.user)


def end_session(token: str | None, reason: str = "logout") -> StaffSession | None:
    row = session_for(token)
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now(), reason
    return row


# Throttle ---------------------------------------------------------------------------------


def recent_failures(email: str, window: timedelta) -> int:
    return db.session.scalar(
        db.select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.at > now() - window,
        )
    ) or 0


def is_locked(email: str, max_failures: int, window: timedelta) -> bool:
    """Too many recent failures for this account: refuse even the right password for now."""
    return recent_failures(email, window) >= max_failures


def note_attempt(email: str, user: StaffUser | None, succeeded: bool, stage: str) -> None:
    db.session.add(
        LoginAttempt(
            email=email, user_id=user.id if user else None, succeeded=succeeded, stage=stage,
            at=now(),
        )
    )


def _audit(action: str, email: str, user: StaffUser | None, outcome: str, ip: str | None,
           detail: dict) -> None:
    """A login event; for an unknown email, the typed email is the only label (no clinic)."""
    if user is not None:
        record(action, actor=user, outcome=outcome, ip=ip, detail=detail)
    else:
        record(action, actor_type="staff", actor_label=email[:254], outcome=outcome, ip=ip,
               detail=detail)


@dataclass
class PasswordCheck:
    user: StaffUser | None
    #: ok, wrong or locked
    outcome: str


def check_password(
    email: str, password: str, *, max_failures: int, window: timedelta, ip: str | None = None
) -> PasswordCheck:
    """The password step of a login, throttled per account; writes the attempt and audit rows."""
    email = (email or "").strip().lower()[:254]
    user = db.session.scalar(db.select(StaffUser).filter_by(email=email)) if email else None
    if is_locked(email, max_failures, window):
        note_attempt(email, user, False, "locked")
        _audit("staff.login", email, user, "denied", ip, {"reason": "locked"})
        db.session.commit()
        return PasswordCheck(None, "locked")
    good = verify_password(user.password_hash if user else dummy_hash(), password or "")
    if not (user and good and user.is_active):
        note_attempt(email, user, False, "password")
        _audit("staff.login", email, user, "failure", ip,
               {"stage": "password", "reason": "disabled" if user and good else "wrong"})
        db.session.flush()
        if recent_failures(email, window) == max_failures:
            _audit("staff.lockout", email, user, "denied", ip, {})
        db.session.commit()
        return PasswordCheck(None, "wrong")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    note_attempt(email, user, True, "password")
    db.session.commit()
    return PasswordCheck(user, "ok")


# Passwords --------------------------------------------------------------------------------


def set_password(user: StaffUser, password: str) -> int:
    """Store a new password and end every session the account had (the caller commits)."""
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.password_changed_at = now()
    return end_sessions(user, "password_changed")


# TOTP -------------------------------------------------------------------------------------


def new_totp_secret(user: StaffUser) -> str:
    """Start (or restart) enrolment: a new secret, not in use until a code confirms it."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.totp_last_step = None
    return user.totp_secret


def provisioning_uri(user: StaffUser) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(
        name=user.email, issuer_name=TOTP_ISSUER
    )


def qr_svg(user: StaffUser) -> str:
    """The enrolment QR code as an SVG document, drawn here (no outside service)."""
    qr = segno.make(provisioning_uri(user), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=5, dark="#1f2a37", light="#ffffff", title="QR code")
    return out.getvalue().decode()


def verify_totp(user: StaffUser, code: str) -> bool:
    """Accept a current code once: the step is claimed with a conditional UPDATE, so a
    replayed code (even from two requests at the same moment) is refused."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not user.totp_secret or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret, interval=TOTP_INTERVAL)
    current = int(now().timestamp()) // TOTP_INTERVAL
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code):
            claimed = db.session.execute(
                update(StaffUser)
                .where(
                    StaffUser.id == user.id,
                    (StaffUser.totp_last_step.is_(None)) | (StaffUser.totp_last_step < step),
                )
                .values(totp_last_step=step)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed == 1:
                user.totp_last_step = step
                return True
            return False
    return False
