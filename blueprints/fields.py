"""Form fields shared by every blueprint's forms.py (rendered by macros/forms.html)."""

from __future__ import annotations

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; unknown values are refused by SelectMultipleField's own check."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def valid_email(value: str) -> bool:
    """An address that looks deliverable (syntax and domain form; no DNS look-up)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
