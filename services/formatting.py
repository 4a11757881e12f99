"""Template filters and globals shared by every page."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask

#: Runs of this many characters without a space get invisible break points.
BREAK_EVERY = 24
_LONG_RUN = re.compile(r"\S{" + str(BREAK_EVERY + 1) + ",}")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%a %-d %b %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%a %-d %b %Y, %-I:%M %p}"


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%-I:%M %p}"


def tel_href(number: object) -> str:
    """A `tel:` link target for a phone number as typed: digits, and a leading + kept."""
    text = "" if number is None else str(number).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"tel:{'+' if text.startswith('+') else ''}{digits}"


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


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(breakable, "breakable")
    app.add_template_filter(tel_href, "tel")
    app.add_template_filter(format_zoned, "zoned")
