"""Which language and time zone a page is in, and the words that depend on them.

Patients: the packet's stored language, else the choice made with the "Español / English"
switch (kept in the session until there is a packet), else the browser's Accept-Language,
else the clinic's default. Staff: their own profile setting. Without a request (mails,
the CLI) `packet_language()` says which language a packet's words go out in.

Dates and times are shown in the clinic's time zone.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context, request, session
from flask_babel import force_locale, get_locale, refresh
from flask_babel import gettext as _

#: The languages VisitPrep speaks, with their names in their own language (for the switch).
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
#: The patient's explicit choice, before a packet exists (survives a fresh session).
SESSION_KEY = "lang"
#: Paths of the clinic side, where the staff member's own setting applies.
STAFF_PREFIXES = ("/reception", "/admin", "/auth")


def supported() -> list[str]:
    return list(current_app.config.get("BABEL_SUPPORTED_LOCALES") or [DEFAULT_LANGUAGE])


def valid(language: str | None) -> str | None:
    """The language if VisitPrep speaks it, else None."""
    return language if language in supported() else None


def is_staff_request() -> bool:
    return has_request_context() and request.path.startswith(STAFF_PREFIXES)


def _staff_user():
    from flask_login import current_user

    user = current_user._get_current_object() if current_user else None
    return user if user is not None and user.is_authenticated else None


def browser_language() -> str | None:
    if not has_request_context():
        return None
    return request.accept_languages.best_match(supported())


def clinic_default(clinic: Any) -> str:
    return valid(getattr(clinic, "default_language", None)) or DEFAULT_LANGUAGE


def patient_language(clinic: Any = None) -> str:
    """A patient page with no stored packet language: choice, browser, clinic default."""
    if has_request_context():
        chosen = valid(session.get(SESSION_KEY))
        if chosen:
            return chosen
        browser = browser_language()
        if browser:
            return browser
    return clinic_default(clinic)


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if is_staff_request():
        user = _staff_user()
        if user is not None:
            return valid(user.language) or DEFAULT_LANGUAGE
        # The login pages: the switch's choice, else the browser.
        return valid(session.get(SESSION_KEY)) or browser_language() or DEFAULT_LANGUAGE
    packet = g.get("packet")
    if packet is not None and valid(packet.language):
        return packet.language
    return patient_language(g.get("clinic"))


def select_timezone() -> str:
    """Flask-Babel's time zone selector: the clinic's own."""
    clinic = g.get("clinic")
    if clinic is None and is_staff_request():
        user = _staff_user()
        clinic = user.clinic if user is not None else None
    zone = getattr(clinic, "timezone", None)
    return zone or current_app.config.get("TIMEZONE_DEFAULT", "UTC")


def use_clinic(clinic: Any) -> None:
    """A public page of this clinic: its default language and time zone apply."""
    if clinic is not None:
        g.clinic = clinic
        refresh()


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE).split("_")[0]


def packet_language(packet: Any) -> str:
    """The language a packet's own words go out in (mails, the patient's PDF)."""
    return valid(packet.language) or clinic_default(packet.clinic)


def remember_on_packet(packet: Any) -> None:
    """Keep the language the patient is using with the packet (the caller commits).

    An explicit choice from the switch wins; otherwise a packet keeps the language it has,
    and a packet without one takes what the patient sees now.
    """
    chosen = valid(session.get(SESSION_KEY)) if has_request_context() else None
    if chosen:
        packet.language = chosen
    elif not valid(packet.language):
        packet.language = patient_language(packet.clinic)


def in_language(language: str):
    """A context manager: render mails or a PDF in this language."""
    return force_locale(valid(language) or DEFAULT_LANGUAGE)


def cli_language() -> str:
    """The language of the command line's messages, from the environment as gettext reads it
    (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: `LANG=es_US.UTF-8 flask ...` speaks Spanish)."""
    import os

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in (os.environ.get(name) or "").split(":"):
            language = value.split(".")[0].split("_")[0].lower()
            if language in LANGUAGES:
                return language
    return DEFAULT_LANGUAGE


def language_name(language: str | None) -> str:
    """The language's name in the page's language ("Spanish" / "español")."""
    names = {"en": _("English"), "es": _("Spanish")}
    return names.get(language or "", language or "")


# The clinic's own question bank holds both languages ------------------------------------

#: Bank rows and the attributes that have a Spanish twin (`<attribute>_es`).
BANK_FIELDS = ("title", "blurb", "text")


def builtin_translation(english: str, language: str) -> str | None:
    """The catalogue's translation of a built-in bank wording, if it has one."""
    if not english:
        return None
    with force_locale(language):
        translated = _(english)
    return translated if translated != english else None


def bank_wording(row: Any, field: str, language: str | None = None) -> str:
    """A bank topic's or question's wording in a language; English when it has none.

    Patients never see a gap: a missing translation falls back to the English wording.
    """
    english = getattr(row, field) or ""
    language = language or current_language()
    if language == "en":
        return english
    return bank_translation(row, field, language) or english


def bank_translation(row: Any, field: str, language: str = "es") -> str | None:
    """The row's own translation, else the catalogue's for an unchanged built-in wording."""
    own = getattr(row, f"{field}_{language}", None)
    if own:
        return own
    english = getattr(row, field) or ""
    if getattr(row, "builtin_key", None):
        return builtin_translation(english, language)
    return None


def bank_missing(row: Any, fields: tuple[str, ...]) -> list[str]:
    """The fields with English wording but no Spanish, for the admin pages."""
    return [f for f in fields if (getattr(row, f) or "") and not bank_translation(row, f)]


def register(app) -> None:
    @app.before_request
    def fresh_locale() -> None:
        # Flask-Babel caches the locale on `g`, which outlives a request where one app
        # context spans several (the test client inside an app context).
        refresh()

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {"languages": LANGUAGES, "current_language": current_language,
                "bank_wording": bank_wording, "bank_translation": bank_translation,
                "language_name": language_name}
