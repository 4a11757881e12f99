"""Template filters and globals shared by every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache

from babel import Locale, dates, numbers
from flask import Flask
from flask_babel import get_locale, get_timezone
from markupsafe import Markup

#: Runs of this many characters without a space get invisible break points.
BREAK_EVERY = 24
_LONG_RUN = re.compile(r"\S{" + str(BREAK_EVERY + 1) + ",}")


#: CLDR patterns: "Tue 1 Dec 2026, 9:05 AM" / "mar 1 dic 2026, 9:05 a. m.".
DATE_PATTERN = "EEE d MMM y"
TIME_PATTERN = "h:mm a"
DATETIME_PATTERN = f"{DATE_PATTERN}, {TIME_PATTERN}"
SHORT_DAY_PATTERN = "d MMM"
SHORT_DATETIME_PATTERN = f"EEE d MMM, {TIME_PATTERN}"


#: The regional formats the clinics' patients read: US Spanish writes 7.5 and 2:05 p.m.
#: (as the forms read numbers), not 7,5.
REGIONS = {"en": "en_US", "es": "es_US"}


@lru_cache(maxsize=16)
def _parsed_locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def _locale() -> Locale:
    language = str(get_locale() or "en").split("_")[0]
    return _parsed_locale(REGIONS.get(language, language))


def local_time(value: datetime) -> datetime:
    """An aware instant in the clinic's time zone; a naive wall-clock time as it is."""
    if value.tzinfo is None:
        return value
    zone = get_timezone()
    return value.astimezone(zone) if zone is not None else value


def _names(locale: Locale, field: str, samples: list) -> list[str]:
    return [dates.format_datetime(sample, field, tzinfo=None, locale=locale) for sample in samples]


def _number(attribute: str, width: int, twelve: bool = False) -> Callable[[datetime], str]:
    def number(value):
        n = getattr(value, attribute)
        if twelve:
            n = n % 12 or 12
        return f"{n:0{width}d}"

    return number


@lru_cache(maxsize=64)
def _formatter(locale: Locale, pattern: str) -> Callable[[date | time], str] | None:
    """`pattern` made once into a function of the value, for the fields the pages use.

    Names (weekday, month, AM/PM) are Babel's own, looked up once per language; what
    Babel would redo on every call (locale data, field parsing) is done here once. None
    for a field this does not handle: the caller then asks Babel.
    """
    parts: list[str | Callable] = []
    for kind, token in dates.tokenize_pattern(pattern):
        if kind == "chars":
            parts.append(token)
            continue
        char, width = token
        if char == "E" and width <= 3:
            names = _names(locale, "EEE", [datetime(2024, 1, day) for day in range(1, 8)])
            parts.append(lambda v, n=names: n[v.weekday()])  # 1 Jan 2024 was a Monday
        elif char == "M" and width == 3:
            names = _names(locale, "MMM", [datetime(2024, month, 1) for month in range(1, 13)])
            parts.append(lambda v, n=names: n[v.month - 1])
        elif char == "a" and width <= 3:
            am, pm = _names(locale, "a", [datetime(2024, 1, 1, 9), datetime(2024, 1, 1, 21)])
            parts.append(lambda v, am=am, pm=pm: pm if v.hour >= 12 else am)
        elif char in "dhHm" and width <= 2:
            attribute = {"d": "day", "h": "hour", "H": "hour", "m": "minute"}[char]
            parts.append(_number(attribute, width, twelve=char == "h"))
        elif char == "y" and width == 1:
            parts.append(lambda v: str(v.year))
        else:
            return None
    return lambda value: "".join(p if isinstance(p, str) else p(value) for p in parts)


def _format(value: date | time, pattern: str, babel_format: Callable[..., str]) -> str:
    locale = _locale()
    formatter = _formatter(locale, pattern)
    if formatter is None:
        return babel_format(value, pattern, locale=locale)
    return formatter(value)


def format_date(value: date | datetime | None, pattern: str = DATE_PATTERN) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return _format(value, pattern, dates.format_date)


def format_datetime(value: datetime | None, pattern: str = DATETIME_PATTERN) -> str:
    if value is None:
        return ""
    value = local_time(value)
    return _format(value, pattern, lambda v, p, locale: dates.format_datetime(
        v, p, tzinfo=v.tzinfo, locale=locale))


def format_short_datetime(value: datetime | None) -> str:
    """Without the year, for dense lists whose heading gives it ("Tue 1 Dec, 9:05 AM")."""
    return format_datetime(value, SHORT_DATETIME_PATTERN)


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, TIME_PATTERN)


def format_hour(hour: int) -> str:
    """A clock hour as the page's language writes it: "7:00 PM" / "7:00 p. m."."""
    return _format(time(hour), TIME_PATTERN, dates.format_time)


def format_short_day(value: date) -> str:
    """A day on a chart axis: "1 Dec" / "1 dic"."""
    return _format(value, SHORT_DAY_PATTERN, dates.format_date)


def format_number(value: float | int | None) -> str:
    """A number as the page's language writes it (7.5 / 7,5)."""
    if value is None:
        return ""
    return numbers.format_decimal(value, locale=_locale())


#: Where an extension starts in a number as typed ("ext 12", "ext. 12", "x12").
EXTENSION = re.compile(r"(?:ext\.?|x)\s*(?=[0-9])", re.IGNORECASE)


def tel_href(number: object) -> str:
    """A `tel:` link target for a phone number as typed: digits, and a leading + kept.

    An extension follows a comma (the phone waits, then dials it) instead of being glued
    onto the number, which would dial a number that does not exist.
    """
    text = "" if number is None else str(number).strip()
    parts = EXTENSION.split(text, maxsplit=1)
    main, extension = parts[0], parts[1] if len(parts) > 1 else ""
    digits = "".join(ch for ch in main if ch.isdigit())
    ext_digits = "".join(ch for ch in extension if ch.isdigit())
    plus = "+" if text.startswith("+") else ""
    return f"tel:{plus}{digits}{',' + ext_digits if ext_digits else ''}"


def format_zoned(value: datetime | None) -> str:
    """An aware datetime with its zone named, for staff pages ("..., 9:05 AM EST")."""
    if value is None:
        return ""
    return f"{format_datetime(value)} {value.tzname() or ''}".rstrip()


def breakable(value: object) -> str:
    """Text with a zero-width space every BREAK_EVERY characters of any very long word.

    Lets a long URL or a pasted string wrap instead of widening the page; the PDF
    renderer also lays such a word out in quadratic time without break points.
    Returns plain text, so autoescaping still applies.
    """
    text = "" if value is None else str(value)

    def split(match: re.Match) -> str:
        run = match.group(0)
        return "\u200b".join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))

    return _LONG_RUN.sub(split, text)


def own_words(value: object) -> Markup:
    """What a person typed, isolated in <bdi>: right-to-left words keep their order."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>%s</bdi>") % value


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_short_datetime, "short_datetime")
    app.add_template_filter(breakable, "breakable")
    app.add_template_filter(tel_href, "tel")
    app.add_template_filter(format_zoned, "zoned")
    from services.outbox import kind_label, status_label

    app.add_template_global(kind_label, "mail_kind")
    app.add_template_global(status_label, "mail_status")
    app.add_template_filter(own_words, "bdi")
