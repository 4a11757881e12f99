"""Strings are wrapped for translation: extraction finds the patient-facing ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
