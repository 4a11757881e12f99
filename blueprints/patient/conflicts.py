"""Conflicts (SECURITY.md R3): when a save is refused as stale, and the page that shows
what was typed beside what is saved."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import g
from flask_babel import gettext as _
from wtforms import Field

from blueprints.merge import answers, merge, seen_of
from blueprints.patient.steps import render_step, stamp
from services import packets


def stale(form, content: Any, saved_form) -> bool:
    """A real conflict: the step changed since this form was shown (packets.is_conflict),
    what was typed differs from what is stored, AND the two windows changed one answer
    differently (blueprints/merge.py; otherwise the form now holds both windows' answers).
    A save equal to what is stored (a retry, or the save button after an autosave of the
    same words) is never a conflict."""
    g.typed_form = form  # for the autosave's reply (steps.after_save)
    if not packets.is_conflict(g.packet, form.version.data, form.base.data, content):
        return False
    saved = saved_form() if callable(saved_form) else saved_form
    if describe(saved) == describe(form):
        return False
    # A page that never said which version it started from is never merged.
    shows = seen_of(form)  # the answers as this page shows them, before the merge
    if str(form.version.data or "").isdigit() and merge(form, saved):
        g.merged_from = shows  # the page still shows the other window's answers as they were
        return False
    return True


def row_stale(form, base: str, saved_form) -> bool:
    """As `stale`, for one list row: its fingerprint moved, the typed answers differ, and
    both windows changed one answer differently."""
    if form.base.data == base:
        return False
    saved = saved_form()
    return describe(saved) != describe(form) and not merge(form, saved)


def conflict(step: str, template: str, form, saved_form, content: Any, **ctx):
    """409: show what was typed (in the form, ready to save again) and the saved version."""
    stamp(form, content)
    form.seen.data = seen_of(saved_form)  # saving again starts from the saved version
    return render_step(step, template, status=409, form=form,
                       saved=differences(saved_form, form), **ctx)


def row_conflict(step: str, template: str, form, saved_form, base: str, **ctx):
    """A row changed since its form was shown (SECURITY R3): 409 with both versions, the
    typed one ready to save again over the row as it now is."""
    form.base.data = base
    form.seen.data = seen_of(saved_form)
    return render_step(step, template, status=409, form=form,
                       saved=differences(saved_form, form), **ctx)



def display_value(field: Field) -> str:
    data = field.data
    choices = {c.value: c.label for c in getattr(field, "choices", None) or []}
    if isinstance(data, list | tuple):
        return ", ".join(str(choices.get(v, v)) for v in data) or "—"
    if isinstance(data, bool):
        return _("Yes") if data else _("No")
    if isinstance(data, datetime):
        return f"{data:%Y-%m-%d %H:%M}"
    if isinstance(data, date):
        return f"{data:%Y-%m-%d}"
    if data is None or data == "":
        return "—"
    return str(choices.get(data, data))


def differences(saved_form, typed_form) -> list[tuple[str, str]]:
    """The saved answers that differ from what was typed (all of them if none differ)."""
    saved, typed = describe(saved_form), dict(describe(typed_form))
    changed = [(label, value) for label, value in saved if typed.get(label) != value]
    return changed or saved


def describe(form) -> list[tuple[str, str]]:
    """A form's answers as (question, answer) lines, for the conflict page."""
    return [(str(f.label.text), display_value(f)) for f in answers(form)]
