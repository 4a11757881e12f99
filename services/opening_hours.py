"""A clinic's opening hours and time zone: is it open now, when does it close today.

Hours are kept per weekday (models.WEEKDAYS) as ["HH:MM", "HH:MM"] in the clinic's own
time zone, or None for a closed day. Instants in and out are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from models import WEEKDAYS, Clinic, default_opening_hours, utcnow

FALLBACK_ZONE = "America/New_York"


def is_time_zone(name: str) -> bool:
    """True for an IANA time zone name that zoneinfo knows (e.g. "America/Chicago")."""
    if not name or name != name.strip() or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_of(clinic: Clinic) -> ZoneInfo:
    """The clinic's time zone (a broken name falls back rather than failing a page)."""
    try:
        return ZoneInfo(clinic.timezone or FALLBACK_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)


@dataclass(frozen=True)
class Hours:
    opens: time
    closes: time


def parse_hours(value: object) -> Hours | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    try:
        opens, closes = (time.fromisoformat(str(v)) for v in value)
    except ValueError:
        return None
    return Hours(opens, closes) if opens < closes else None


def hours_on(clinic: Clinic, weekday: int) -> Hours | None:
    """The opening hours of a weekday (0 = Monday), or None when the clinic is closed."""
    table = clinic.opening_hours if isinstance(clinic.opening_hours, dict) else None
    table = table or default_opening_hours()
    return parse_hours(table.get(WEEKDAYS[weekday]))


def local(clinic: Clinic, moment: datetime) -> datetime:
    """An aware instant as the clinic's wall clock reads it (still aware)."""
    return moment.astimezone(zone_of(clinic))


def clinic_now(clinic: Clinic, now: datetime | None = None) -> datetime:
    """The clinic's wall-clock time, naive, as appointments and log entries are stored.

    The one place "now" and "today" are taken for a clinic: the server's own clock and
    date (UTC in production) are hours away from the clinic's in the evening.
    """
    return local(clinic, now or utcnow()).replace(tzinfo=None)


def today_hours(clinic: Clinic, now: datetime) -> Hours | None:
    return hours_on(clinic, local(clinic, now).weekday())


def _at(clinic: Clinic, day, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone_of(clinic)).astimezone(UTC)


def is_open(clinic: Clinic, now: datetime) -> bool:
    hours = today_hours(clinic, now)
    day = local(clinic, now).date()
    return hours is not None and _at(clinic, day, hours.opens) <= now < _at(
        clinic, day, hours.closes)


def next_opening(clinic: Clinic, now: datetime) -> datetime | None:
    """The next time the clinic opens after `now` (None if it is never open)."""
    day = local(clinic, now).date()
    for ahead in range(8):
        hours = hours_on(clinic, (day + timedelta(days=ahead)).weekday())
        if hours is None:
            continue
        opens = _at(clinic, day + timedelta(days=ahead), hours.opens)
        if opens > now:
            return opens
    return None


def urgent_due(clinic: Clinic, now: datetime) -> datetime:
    """When an urgent call raised at `now` is due: before the clinic closes today.

    Raised before closing time on an open day: at closing time that day. Raised after
    closing, or on a closed day: when the clinic next opens (first thing). A clinic with
    no hours at all: at once.
    """
    hours = today_hours(clinic, now)
    if hours is not None:
        closes = _at(clinic, local(clinic, now).date(), hours.closes)
        if now < closes:
            return closes
    return next_opening(clinic, now) or now
