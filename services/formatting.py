"""Template filters and globals shared by every page."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask


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


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time")
