"""The symptom log as CSV, for the patient and for staff.

Safe to open in a spreadsheet: a cell that starts with = + - @ (or a tab or carriage
return), also after leading spaces or separators such as ";=", is prefixed with ' so it
is shown as text and never run as a formula (OWASP "CSV injection"); every cell is quoted,
so a ";" inside one cannot start a new cell where ";" is the list separator.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from content.body import AREA_BY_KEY
from content.vocab import label

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

#: Column keys, in order; the header row is their translated titles.
COLUMNS = (
    "recorded_at",
    "pain",
    "fatigue",
    "areas",
    "where",
    "feels_like",
    "worse_with",
    "helped_with",
    "sleep_hours",
    "rested",
    "stiffness_minutes",
    "numbness_tingling",
    "spasms",
    "headache",
    "digestive",
    "mood",
    "note",
)


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet shows as text."""
    text = "" if value is None else str(value)
    if text.lstrip(" ;,|").startswith(_DANGEROUS_START) or text.startswith(_DANGEROUS_START):
        return "'" + text
    return text


def _headers() -> list[str]:
    return [
        _("Date and time"),
        _("Pain (0-10)"),
        _("Tiredness (0-10)"),
        _("Where it hurt"),
        _("Where, in own words"),
        _("What it felt like"),
        _("Made it worse"),
        _("Helped"),
        _("Sleep (hours)"),
        _("Woke rested"),
        _("Morning stiffness (minutes)"),
        _("Numbness or tingling"),
        _("Spasms"),
        _("Headache"),
        _("Digestive trouble"),
        _("Mood"),
        _("Note"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _labels(vocab: str, keys: Iterable[str] | None) -> str:
    return "; ".join(str(label(vocab, k)) for k in (keys or []))


def _areas(keys: Iterable[str] | None) -> str:
    return "; ".join(str(AREA_BY_KEY[k].label) if k in AREA_BY_KEY else k for k in (keys or []))


def entry_row(entry) -> list[object]:
    sleep = entry.sleep_hours
    return [
        entry.recorded_at.strftime("%Y-%m-%d %H:%M"),
        entry.pain,
        entry.fatigue,
        _areas(entry.areas),
        entry.where_text,
        _labels("pain_qualities", entry.qualities),
        _labels("triggers", entry.worse_with),
        _labels("reliefs", entry.helped_with),
        "" if sleep is None else f"{float(sleep):g}",
        _yes_no(entry.rested),
        entry.stiffness_minutes,
        _yes_no(entry.numbness),
        _yes_no(entry.spasms),
        _yes_no(entry.headache),
        _yes_no(entry.digestive),
        str(label("moods", entry.mood)) if entry.mood else "",
        entry.note,
    ]


def symptom_log_csv(entries: Iterable) -> str:
    """The log, oldest first, as CSV text (UTF-8 with a BOM is added by the caller)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(h) for h in _headers()])
    for entry in sorted(entries, key=lambda e: e.recorded_at):
        writer.writerow([safe_cell(v) for v in entry_row(entry)])
    return out.getvalue()


def symptom_log_csv_bytes(entries: Iterable) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read accents and other scripts right."""
    return symptom_log_csv(entries).encode("utf-8-sig")
