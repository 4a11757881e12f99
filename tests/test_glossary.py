"""The Spanish catalogue uses the glossary's word for each clinical term (docs/glossary-es.md)."""

from __future__ import annotations

import pytest

from services.catalogues import Term, glossary_terms, glossary_violations

#: The catalogue, not the database.
pytestmark = pytest.mark.any_database


def test_the_glossary_is_read():
    terms = {t.english: t for t in glossary_terms()}
    assert terms["medicine"].spanish[0] == "medicamento"
    assert terms["symptom log"].spanish[0] == "registro de síntomas"
    assert len(terms) > 40


def test_the_term_pattern_finds_whole_words_and_plurals():
    entry = Term("entry", ("anotación",), ())
    assert entry.pattern().search("two entries")
    assert entry.pattern().search("an entry.")
    assert not entry.pattern().search("reentry")
    visit = Term("visit", ("consulta",), ())
    assert visit.pattern().search("between visits")
    assert not visit.pattern().search("visitprep helps")


def test_every_translation_uses_the_glossary_terms():
    violations = glossary_violations("es")
    assert violations == [], "\n".join(f"{t}: {en!r} -> {es!r}" for t, en, es in violations)
