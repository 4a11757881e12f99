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
#
# SECURITY.md S3. Every try is a LoginAttempt row, so all workers share the counts.
# Per account: after FREE_TRIES failures since the account was last cleared, each further
# try must wait longer (1, 2, 4, 8, then 15 minutes), and never more than MAX_PER_HOUR
# failures an hour are taken. Per address: the same growing wait after ADDRESS_FREE_TRIES
# failures from one client address in an hour, whichever accounts they were for.
# A real user is never kept out by someone else's guesses: while their account waits,
# the login page takes the password *and* the two-step code together, and when both are
# right the account is cleared (an admin can clear it too). Wrong guesses there change
# nothing an attacker could see.

FREE_TRIES = 5
MAX_PER_HOUR = 100
#: A clinic's staff often share one address (the office NAT): room for their typos.
ADDRESS_FREE_TRIES = 50
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
HOUR = timedelta(hours=1)
#: A second-factor failure stage counts separately: someone who has the password.
CODE_FREE_TRIES = 5
#: Stages of a successful LoginAttempt that clear an account's count.
CLEARING = ("login", "unlock", "cleared")


def account_key(email: str, user: StaffUser | None) -> str:
    """What a LoginAttempt stores for the typed email: the account's own address, or, for
    an address no account has, a hash (whatever was typed there is not kept)."""
    if user is not None:
        return user.email
    return "unknown:" + hashlib.sha256(email.encode()).hexdigest()[:40]


def _last_clear(key: str) -> datetime | None:
    return db.session.scalar(
        db.select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == key, LoginAttempt.succeeded.is_(True),
            LoginAttempt.stage.in_(CLEARING),
        )
    )


def _failures(where, since: datetime):
    row = db.session.execute(
        db.select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
            *where, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
    ).one()
    return row[0] or 0, row[1]


def _wait(count: int, free: int) -> timedelta:
    if count < free:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(count - free, 10), LONGEST_WAIT)


@dataclass
class Throttle:
    #: How long this account or address must still wait; zero when a try may go ahead.
    wait: timedelta
    #: Why: account or address.
    reason: str | None = None

    @property
    def waiting(self) -> bool:
        return self.wait > timedelta(0)


def throttle(key: str, ip: str | None) -> Throttle:
    at = now()
    since = at - HOUR
    cleared = _last_clear(key)
    # Only passwords actually checked count for the account: a refused try is no guess.
    count, last = _failures((LoginAttempt.email == key, LoginAttempt.stage == "password"),
                            max(since, cleared) if cleared else since)
    if count >= MAX_PER_HOUR:
        return Throttle(LONGEST_WAIT, "account")
    if last is not None:
        left = _wait(count, FREE_TRIES) - (at - last)
        if left > timedelta(0):
            return Throttle(left, "account")
    if ip:
        count, last = _failures((LoginAttempt.ip == ip,), since)
        if last is not None:
            left = _wait(count, ADDRESS_FREE_TRIES) - (at - last)
            if left > timedelta(0):
                return Throttle(left, "address")
    return Throttle(timedelta(0))


def code_locked(user: StaffUser) -> bool:
    """Too many wrong two-step codes since the last good login: refuse even the right one."""
    cleared = _last_clear(user.email)
    since = now() - LONGEST_WAIT
    count, _ = _failures((LoginAttempt.email == user.email, LoginAttempt.stage == "totp"),
                         max(since, cleared) if cleared else since)
    return count >= CODE_FREE_TRIES


def note_attempt(email: str, user: StaffUser | None, succeeded: bool, stage: str,
                 ip: str | None = None) -> None:
    db.session.add(
        LoginAttempt(
            email=account_key(email, user), user_id=user.id if user else None,
            succeeded=succeeded, stage=stage, at=now(), ip=ip,
        )
    )


def clear_throttle(user: StaffUser, stage: str = "cleared", ip: str | None = None) -> None:
    """A correct second factor, or an admin: the account's count starts again."""
    note_attempt(user.email, user, True, stage, ip)


def _audit(action: str, email: str, user: StaffUser | None, outcome: str, ip: str | None,
           detail: dict) -> None:
    """A login event; for an address no account has, nothing typed is kept (A8)."""
    if user is not None:
        record(action, actor=user, outcome=outcome, ip=ip, detail=detail)
    else:
        record(action, actor_type="staff", actor_label="unknown account", outcome=outcome,
               ip=ip, detail=detail)


@dataclass
class PasswordCheck:
    user: StaffUser | None
    #: ok (go on to the next step), unlocked (password and code both right: logged in),
    #: wrong or locked
    outcome: str
    wait: timedelta = timedelta(0)


def check_password(
    email: str, password: str, *, ip: str | None = None, code: str | None = None,
) -> PasswordCheck:
    """The password step of a login, throttled; writes the attempt and audit rows.

    While the account waits, a password comes with the two-step code: both right clears
    the account and lets them in (outcome "ok" with the user); anything else is "locked".
    """
    email = (email or "").strip().lower()[:254]
    user = db.session.scalar(db.select(StaffUser).filter_by(email=email)) if email else None
    key = account_key(email, user)
    state = throttle(key, ip)
    if state.waiting:
        if state.reason == "account" and code and user is not None and user.totp_enabled:
            return _unlock(user, password, code, ip, state)
        note_attempt(email, user, False, "locked", ip)
        _audit("staff.login", email, user, "denied", ip, {"reason": "locked"})
        db.session.commit()
        return PasswordCheck(None, "locked", state.wait)
    good = verify_password(user.password_hash if user else dummy_hash(), password or "")
    if not (user and good and user.is_active):
        note_attempt(email, user, False, "password", ip)
        _audit("staff.login", email, user, "failure", ip,
               {"stage": "password", "reason": "disabled" if user and good else "wrong"})
        db.session.flush()
        if throttle(key, ip).waiting and not state.waiting:
            _audit("staff.lockout", email, user, "denied", ip, {})
        db.session.commit()
        return PasswordCheck(None, "wrong")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    note_attempt(email, user, True, "password", ip)
    db.session.commit()
    return PasswordCheck(user, "ok")


def _unlock(user: StaffUser, password: str, code: str, ip: str | None,
            state: Throttle) -> PasswordCheck:
    good = verify_password(user.password_hash, password or "") and user.is_active
    if good and not code_locked(user) and verify_totp(user, code):
        clear_throttle(user, "unlock", ip)
        record("staff.login_unlock", actor=user, ip=ip)
        db.session.commit()
        return PasswordCheck(user, "unlocked")
    # A wrong password counts like any other; a right one with a wrong code is someone
    # who has the password: that counts on the code's own limit.
    note_attempt(user.email, user, False, "totp" if good else "password", ip)
    _audit("staff.login", user.email, user, "denied", ip, {"reason": "locked"})
    db.session.commit()
    return PasswordCheck(None, "locked", state.wait)


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
