"""Strings are wrapped for translation: extraction finds the patient-facing ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: The catalogue, not the database.
pytestmark = pytest.mark.any_database

ROOT = Path(__file__).resolve().parent.parent


def test_extraction_collects_template_and_content_strings(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    text = pot.read_text()
    assert "Get ready for your visit" in text  # a template
    assert "Left jaw" in text  # content/ wrapped with _l
    assert "Do you have chest pain along with your back pain?" in text


def test_error_page_titles_are_extracted(tmp_path):
    from services.catalogues import extract, read

    ids = {m.id for m in read(extract(tmp_path / "messages.pot")) if m.id}
    assert "We can't find that page" in ids
    assert "Something went wrong on our side" in ids


def test_the_catalogue_check_reports_missing_and_new_messages(tmp_path, monkeypatch):
    from babel.messages.pofile import write_po

    from services import catalogues

    catalogue = catalogues.read(catalogues.catalogue_path("es"), locale="es")
    catalogue.delete("Skip to main content")
    message = catalogue.get("Get ready for your visit")
    message.string = ""
    catalogue.get("In an emergency, call %(number)s.").string = "Llame al %(numero)s."
    target = tmp_path / "es" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.po").open("wb") as handle:
        write_po(handle, catalogue)
    monkeypatch.setattr(catalogues, "TRANSLATIONS", tmp_path)
    report = catalogues.check("es")
    assert report.total > 900
    assert "Skip to main content" in report.not_in_catalogue
    assert "Get ready for your visit" in report.missing
    assert [p for p in report.placeholders if p.startswith("In an emergency")], report.placeholders
    assert not report.ok


def test_the_reading_ease_script_prints_figures_for_both_languages():
    result = subprocess.run(
        [sys.executable, "scripts/reading_ease.py", "--page", "/c/riverside"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "F-Huerta" in result.stdout and "/c/riverside" in result.stdout
    line = next(row for row in result.stdout.splitlines() if row.startswith("/c/riverside"))
    assert len(line.split()) == 6  # page, words and Flesch in English, words and two in Spanish


def test_every_message_has_a_spanish_translation():
    """The strict gate: new or changed words need their Spanish (make messages, translate)."""
    from services.catalogues import check

    report = check("es")
    assert report.ok, "\n".join([
        *report.lines(),
        "Run `make messages`, translate the new messages in "
        "translations/es/LC_MESSAGES/messages.po (docs/glossary-es.md), and run this again.",
    ])
