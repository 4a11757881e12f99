"""The symptom log as CSV: complete, readable, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from models import SymptomEntry
from services.export_csv import safe_cell, symptom_log_csv, symptom_log_csv_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+41 55", "'+41 55"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (";=1+1", "';=1+1"),  # a cell of its own where ";" separates cells
        (" ;=HYPERLINK(1)", "' ;=HYPERLINK(1)"),
        ("  =1", "'  =1"),
        ("a = b", "a = b"),
        ("Ça va 😀 日本語", "Ça va 😀 日本語"),
        (7, "7"),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_log_rows_are_oldest_first_with_labels_and_safe_text(app):
    entries = [
        SymptomEntry(recorded_at=datetime(2026, 11, 2, 9, 5), pain=3, note="=cmd|' /C calc'!A0",
                     where_text="@left knee", areas=["neck", "chest"], helped_with=["heat"],
                     sleep_hours=6.5, rested=True, numbness=True, mood="low"),
        SymptomEntry(recorded_at=datetime(2026, 11, 1, 20, 0), pain=8, fatigue=6,
                     worse_with=["sitting", "stress"], note="Tired, 😀 日本語"),
    ]
    table = rows(symptom_log_csv(entries))
    assert table[0][:3] == ["Date and time", "Pain (0-10)", "Tiredness (0-10)"]
    assert len(table) == 3
    first, second = table[1], table[2]
    assert first[:3] == ["2026-11-01 20:00", "8", "6"]
    assert first[6] == "Sitting; Stress"
    assert first[-2] == "Tired, 😀 日本語"
    assert second[0] == "2026-11-02 09:05"
    assert second[3] == "Neck; Chest"
    assert second[4] == "'@left knee"
    assert second[-2] == "'=cmd|' /C calc'!A0"
    assert (second[8], second[9], second[11], second[15]) == ("6.5", "yes", "yes", "Low or down")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)


def test_bytes_have_a_bom_for_spreadsheets(app):
    data = symptom_log_csv_bytes([])
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows(data.decode("utf-8-sig"))[0][0] == "Date and time"
