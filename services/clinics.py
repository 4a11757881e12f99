"""Clinics and their staff accounts, as the CLI and the admin pages make them."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale
from flask_babel import gettext as _

from content.question_bank import QUESTIONS, TOPICS
from extensions import db
from models import ROLES, Clinic, ClinicQuestion, ClinicTopic, StaffSession, StaffUser, utcnow
from services.i18n import builtin_translation
from services.passwords import hash_password, one_time_password

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


class ClinicError(ValueError):
    """A request that cannot be carried out, with a message for the person who made it."""


def check_slug(slug: str) -> str:
    if not SLUG_RE.match(slug or ""):
        raise ClinicError(_(
            "The slug must be 1-40 lower-case letters, digits or dashes, "
            "starting and ending with a letter or digit (for example: riverside-spine)."
        ))
    return slug


def create_clinic(slug: str, name: str, **settings: object) -> Clinic:
    """Make a clinic with its own copy of the built-in question bank (the caller commits)."""
    check_slug(slug)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ClinicError(_("The clinic name must be 1-120 characters."))
    if db.session.scalar(db.select(Clinic.id).filter_by(slug=slug)) is not None:
        raise ClinicError(_("A clinic with the slug %(slug)s already exists.", slug=repr(slug)))
    clinic = Clinic(slug=slug, name=name, **settings)
    db.session.add(clinic)
    db.session.flush()
    copy_builtin_bank(clinic)
    return clinic


def _english(text: object) -> str:
    with force_locale("en"):
        return str(text)


def copy_builtin_bank(clinic: Clinic) -> None:
    """The clinic's bank starts as the built-in one, in English and Spanish.

    The Spanish is copied from the catalogue where it has the wording; until then the
    admin pages show it as missing and patients see the English.
    """
    topics = {}
    for position, topic in enumerate(TOPICS):
        row = ClinicTopic(
            clinic_id=clinic.id,
            builtin_key=topic.key,
            title=_english(topic.title),
            blurb=_english(topic.blurb),
            title_es=builtin_translation(_english(topic.title), "es"),
            blurb_es=builtin_translation(_english(topic.blurb), "es"),
            position=position,
        )
        db.session.add(row)
        topics[topic.key] = row
    db.session.flush()
    for position, question in enumerate(QUESTIONS):
        db.session.add(
            ClinicQuestion(
                clinic_id=clinic.id,
                topic_id=topics[question.topic].id,
                builtin_key=question.key,
                text=_english(question.text),
                text_es=builtin_translation(_english(question.text), "es"),
                position=position,
            )
        )


def get_clinic(slug: str) -> Clinic:
    clinic = db.session.scalar(db.select(Clinic).filter_by(slug=slug))
    if clinic is None:
        raise ClinicError(_("There is no clinic with the slug %(slug)s.", slug=repr(slug)))
    return clinic


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ClinicError(_("%(email)s is not a valid email address: %(reason)s",
                            email=repr(email), reason=str(exc))) from None


def create_staff(
    clinic: Clinic, email: str, role: str, name: str = ""
) -> tuple[StaffUser, str]:
    """Make a staff account with a one-time password, returned once (the caller commits)."""
    if role not in ROLES:
        raise ClinicError(_("The role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    email = normalise_email(email)
    if db.session.scalar(db.select(StaffUser.id).filter_by(email=email)) is not None:
        raise ClinicError(_("An account for %(email)s already exists.", email=email))
    password = one_time_password()
    user = StaffUser(
        clinic=clinic,
        email=email,
        name=name.strip()[:120],
        role=role,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    db.session.add(user)
    return user, password


def end_sessions(user: StaffUser, reason: str) -> int:
    """End every open server-side session of a user (disable, password change)."""
    now = utcnow()
    sessions = db.session.scalars(
        db.select(StaffSession).filter_by(user_id=user.id, ended_at=None)
    ).all()
    for session in sessions:
        session.ended_at = now
        session.end_reason = reason
    return len(sessions)
