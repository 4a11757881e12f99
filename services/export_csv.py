"""The symptom log as CSV, for the patient and for staff: one column per question of
content.questions.LOG_ENTRY (its short title as the header), then which once-a-day answers
were carried from the entry before.

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

from content.questions import (
    CARRIED_DAILY,
    LOG_ENTRY,
    LOG_ENTRY_BY_KEY,
    YES_NO_KINDS,
    Question,
    answer_words,
)
from services.stats import counted_daily

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")

#: The questions with a column, in order.
COLUMNS: tuple[Question, ...] = tuple(q for q in LOG_ENTRY if q.shows_in("csv"))


def safe_cell(value: object) -> str:
    """The value as text a spreadsheet shows as text."""
    text = "" if value is None else str(value)
    if text.lstrip(" ;,|").startswith(_DANGEROUS_START) or text.startswith(_DANGEROUS_START):
        return "'" + text
    return text


def _headers() -> list[str]:
    return [q.title for q in COLUMNS] + [_("Carried from the entry before (counted once a day)")]


def _cell(question: Question, value: object) -> object:
    if question.kind in {"scale", "integer"}:
        return value
    if question.kind in YES_NO_KINDS:
        return "" if value is None else (_("yes") if value else _("no"))
    if question.kind == "choices":
        return answer_words(question, value).replace(", ", "; ")
    return answer_words(question, value)


def entry_row(entry, repeated: frozenset[str] = frozenset()) -> list[object]:
    """One entry's cells; a once-a-day answer in `repeated` was carried into a second entry
    of the same day: its cell stays empty so a column sum counts it once."""
    cells = [None if q.key in repeated else _cell(q, getattr(entry, q.key)) for q in COLUMNS]
    carried = [LOG_ENTRY_BY_KEY[name].title for name in CARRIED_DAILY
               if name in (entry.carried or [])]
    return [*cells, "; ".join(carried)]


def symptom_log_csv(entries: Iterable) -> str:
    """The log, oldest first, as CSV text (UTF-8 with a BOM is added by the caller)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(h) for h in _headers()])
    entries = sorted(entries, key=lambda e: e.recorded_at)
    counted = {name: counted_daily(entries, name) for name in CARRIED_DAILY}
    for index, entry in enumerate(entries):
        repeated = frozenset(name for name in CARRIED_DAILY
                             if getattr(entry, name) is not None and not counted[name][index])
        writer.writerow([safe_cell(v) for v in entry_row(entry, repeated)])
    return out.getvalue()


def symptom_log_csv_bytes(entries: Iterable) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets read accents and other scripts right."""
    return symptom_log_csv(entries).encode("utf-8-sig")
