"""The rule for who commits (blueprints/patient/__init__.py): never a patient view."""

from __future__ import annotations

import re

from config import BASE_DIR

SESSION_END = re.compile(r"\bdb\.session\.(commit|rollback)\(")


def test_no_patient_view_commits_or_rolls_back():
    views = sorted((BASE_DIR / "blueprints" / "patient").glob("*.py"))
    assert len(views) >= 5  # the views were found
    found = [f"{path.name}:{n}" for path in views
             for n, line in enumerate(path.read_text().splitlines(), start=1)
             if SESSION_END.search(line)]
    assert found == [], "a patient view ends a transaction itself: " + ", ".join(found)


def test_the_check_sees_a_commit():
    assert SESSION_END.search("        db.session.commit()")
    assert not SESSION_END.search("packets.commit_step(packet)")
