"""Secret links: invitation and resume tokens, of which only a hash is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from extensions import db
from models import Appointment, Packet, PacketLink, utcnow

#: 32 bytes = 256 random bits, URL-safe.
TOKEN_BYTES = 32
#: Short codes avoid look-alike characters (0/O, 1/I/L) so they can be read aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """ABCDE-FGHJK, easier to copy by hand."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expiry(days: int) -> datetime:
    return utcnow() + timedelta(days=days)


def create_invitation(appointment: Appointment, lifetime_days: int,
                      token: str | None = None) -> tuple[PacketLink, str]:
    """Make a new invitation link for an appointment, revoking any earlier one.

    Returns the link and the plaintext token, which is shown once and never stored
    (a mailed link passes its own token, derived by the outbox).
    """
    now = utcnow()
    for old in appointment.links:
        if old.revoked_at is None:
            old.revoked_at = now
    token = token or new_token()
    link = PacketLink(
        kind="invitation",
        token_hash=token_hash(token),
        clinic_id=appointment.clinic_id,
        appointment=appointment,
        packet=appointment.packet,
        expires_at=_expiry(lifetime_days),
    )
    db.session.add(link)
    return link, token


def create_resume_link(packet: Packet, lifetime_days: int) -> tuple[PacketLink, str, str]:
    """Make the private resume link and short code for a self-started packet."""
    token, code = new_token(), new_code()
    link = PacketLink(
        kind="resume",
        token_hash=token_hash(token),
        code_hash=token_hash(code),
        clinic_id=packet.clinic_id,
        packet=packet,
        expires_at=_expiry(lifetime_days),
    )
    db.session.add(link)
    return link, token, code


def create_mail_link(clinic_id: int, packet: Packet | None, appointment: Appointment | None,
                     token: str, lifetime_days: int) -> PacketLink:
    """One more way into a packet, for a reminder or "email me my link": earlier links (and
    the sessions they opened) keep working. It asks for the date of birth like the others."""
    link = PacketLink(
        kind="invitation" if appointment is not None else "resume",
        token_hash=token_hash(token),
        clinic_id=clinic_id,
        appointment=appointment,
        packet=packet,
        expires_at=_expiry(lifetime_days),
    )
    db.session.add(link)
    return link


def find_link(token: str) -> PacketLink | None:
    """The link for a token, whatever its state (the caller checks usable())."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(db.select(PacketLink).filter_by(token_hash=token_hash(token)))


def find_link_by_code(clinic_id: int, typed: str) -> PacketLink | None:
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    return db.session.scalar(
        db.select(PacketLink).filter_by(clinic_id=clinic_id, code_hash=token_hash(code))
    )


def link_state(link: PacketLink | None, now: datetime | None = None) -> str:
    """ok, unknown, revoked, expired or locked."""
    now = now or utcnow()
    if link is None:
        return "unknown"
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.locked_at is not None:
        return "locked"
    return "ok"
