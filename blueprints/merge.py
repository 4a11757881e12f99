"""Two windows, one form: what each changed, answer by answer (SECURITY.md R3, R4).

A form shown from what is stored carries `seen`: each answer as the page started from it (a
short fingerprint; the choices themselves for a several-choice question). When its save
meets a newer version saved from another window, `merge` compares the three:

- an answer only the other window changed is taken from it;
- an answer only this window changed is kept;
- several choices (the body map's places, conditions) combine: this window's ticks and
  unticks are applied to the other's;
- one answer both changed, to different words, is a real conflict: nothing is merged and
  the patient sees both versions (blueprints/patient/conflicts.py).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from urllib.parse import quote, unquote

from wtforms import Field, SelectMultipleField

#: Fields that carry no answer: the page's own (version, fingerprints), buttons, and the
#: question list's "move" (which button was pressed).
NOT_ANSWERS = frozenset({"move"})


def answers(form) -> list[Field]:
    """The fields that hold the patient's answers."""
    return [f for f in form if f.name not in NOT_ANSWERS and f.type not in (
        "HiddenField", "CSRFTokenField", "SubmitField")]


def blank(form) -> bool:
    """Whether a submitted form holds no answer at all (nothing typed, ticked or chosen)."""
    return form.is_submitted() and all(f.data in (None, "", [], False) for f in answers(form))


def _plain(data) -> str:
    if data is None:
        return ""
    if isinstance(data, datetime):
        return f"{data:%Y-%m-%d %H:%M}"
    if isinstance(data, date):
        return data.isoformat()
    if isinstance(data, float) and data.is_integer():
        return str(int(data))
    return str(data)


def _many(field: Field) -> bool:
    return isinstance(field, SelectMultipleField)


def _choices(field: Field) -> set[str]:
    return {str(v) for v in field.data or []}


def _digest(field: Field) -> str:
    return hashlib.sha256(_plain(field.data).encode()).hexdigest()[:12]


def seen_of(form) -> str:
    """The form's answers as `seen` holds them: `name:digest`, or `name=a,b` for choices."""
    parts = []
    for field in answers(form):
        if _many(field):
            parts.append(f"{field.name}=" + ",".join(quote(v, safe="") for v in sorted(_choices(field))))
        else:
            parts.append(f"{field.name}:{_digest(field)}")
    return " ".join(parts)


def _parse(seen: str | None) -> dict[str, str | set[str]]:
    start: dict[str, str | set[str]] = {}
    for part in (seen or "").split():
        if "=" in part:
            name, _, values = part.partition("=")
            start[name] = {unquote(v) for v in values.split(",") if v}
        elif ":" in part:
            name, _, digest = part.partition(":")
            start[name] = digest
    return start


def merge(form, saved) -> bool:
    """Bring the other window's changes into `form` (see the module docstring).

    True when nothing clashes (the form now holds both windows' answers, ready to save);
    False on a real conflict, or when the page did not say where it started (the form is
    then left as typed).
    """
    start = _parse(form["seen"].data if "seen" in form else None)
    taken: list[tuple[Field, object]] = []
    for field in answers(form):
        if field.name not in start or field.name not in saved:
            return False
        theirs, was = saved[field.name], start[field.name]
        if _many(field):
            if not isinstance(was, set):
                return False
            mine = _choices(field)
            both = (_choices(theirs) - (was - mine)) | (mine - was)
            if both != mine:
                order = [str(c[0]) for c in field.iter_choices()]
                taken.append((field, [v for v in order if v in both]))
            continue
        if was != (mine := _digest(field)) and was != _digest(theirs) and mine != _digest(theirs):
            return False
        if mine == was and _digest(theirs) != was:
            taken.append((field, theirs.data))
    for field, data in taken:
        field.data = data
    return True
