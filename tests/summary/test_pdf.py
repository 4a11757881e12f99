"""The PDF: the same summary, one page for a typical packet, two at most for a long one,
then every note of the log on pages of their own when the first page had no room."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest
from flask import render_template

from extensions import db
from services.pdf import BASE_URL, _fetcher_class, render_pdf, render_summary_html
from services.summary import build_summary, load_packet
from tests.conftest import missing
from tests.summary.builders import make_full_packet


def pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        missing("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def page_text(pdf: bytes, page: int) -> str:
    if not shutil.which("pdftotext"):
        missing("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-", "-"], input=pdf,
                         capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def summary_pages(pdf: bytes) -> int:
    """The pages before the full log of notes (which starts on a page of its own)."""
    pages = pdf_pages(pdf)
    for page in range(1, pages + 1):
        if page_text(pdf, page).startswith(FULL_LOG):
            return page - 1
    return pages


FULL_LOG = "The full log: every note, newest first"


def pdf_info(pdf: bytes) -> dict[str, str]:
    if not shutil.which("pdfinfo"):
        missing("pdfinfo (poppler-utils) is not installed")
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    pairs = (line.split(":", 1) for line in out.stdout.decode().splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def pdf_fonts(pdf: bytes) -> str:
    if not shutil.which("pdffonts"):
        missing("pdffonts (poppler-utils) is not installed")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(["pdffonts", file.name], capture_output=True, check=True)
    return out.stdout.decode()


def pdf_pages(pdf: bytes) -> int:
    return int(pdf_info(pdf)["Pages"])


@pytest.fixture
def typical(app, clinic):
    return build_summary(load_packet(make_full_packet(clinic).id))


@pytest.fixture
def long_summary(app, clinic):
    packet = make_full_packet(clinic, days=90, per_day=3, questions=30, medications=15,
                              treatments=8, safety_yes=("bladder", "fever", "walking"))
    return build_summary(load_packet(packet.id))


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_a_typical_packet_fits_one_page(app, typical, paper):
    with app.test_request_context():
        pdf = render_pdf(typical, paper)
    assert pdf.startswith(b"%PDF")
    assert summary_pages(pdf) == 1
    assert "(10 more in the full log)" in page_text(pdf, 1)
    assert page_text(pdf, 2).startswith(FULL_LOG)
    assert "Entry 0" in page_text(pdf, 2)  # the oldest note, too


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_a_long_packet_fits_two_pages_and_loses_nothing(app, long_summary, paper):
    with app.test_request_context():
        pdf = render_pdf(long_summary, paper)
    assert summary_pages(pdf) == 2
    text = pdf_text(pdf)
    for n in range(270):
        assert f"Entry {n} " in text or text.endswith(f"Entry {n}") or f"Entry {n}·" in text
    for med in long_summary.medications:
        assert f"{med.name} " in text
    for question in long_summary.top_questions + long_summary.other_questions:
        assert question.text in text
    assert "90 days, 270 entries" in text


def test_pdf_text_holds_the_scores_note_and_flags(app, typical):
    with app.test_request_context():
        text = pdf_text(render_pdf(typical))
    assert "Self-report screen for clinician review; not a diagnosis." in text
    assert "Fever or chills with back pain" in text
    assert "Jordan Avery" in text


def test_patient_pdf_has_no_scores(app, clinic):
    summary = build_summary(load_packet(make_full_packet(clinic).id), "patient")
    with app.test_request_context():
        text = pdf_text(render_pdf(summary))
    assert "Widespread Pain Index" not in text and "not a diagnosis" not in text


def test_paper_size_is_checked(app, typical):
    with app.test_request_context(), pytest.raises(ValueError):
        render_pdf(typical, "A3")


def test_the_fetcher_serves_only_our_static_files(app):
    fetcher = _fetcher_class()(app.static_folder)
    response = fetcher.fetch(BASE_URL + "static/css/summary.css")
    assert b"@page" in response.read()
    for url in (
        "https://example.com/evil.css",
        "http://127.0.0.1:5432/",
        "file:///etc/passwd",
        BASE_URL + "static/../config.py",
        BASE_URL + "static/%2e%2e/config.py",
        BASE_URL + "healthz",
        BASE_URL + "static/css/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_pdf_html_links_only_local_css(app, typical):
    with app.test_request_context():
        html = render_summary_html(typical)
    assert 'href="/static/css/summary.css"' in html
    assert "<script" not in html


def test_the_patients_log_notes_reach_the_page_and_the_pdf_dated(app, clinic):
    # A packet's log entries carry the patient's own words: a note and "where else".
    packet = make_full_packet(clinic, days=3)
    for n, entry in enumerate(sorted(packet.symptom_entries, key=lambda e: e.recorded_at)):
        entry.note, entry.where_text = f"QAlognote{n}", f"QAwhere{n}"  # no hyphen to wrap at
    db.session.commit()
    summary = build_summary(load_packet(packet.id))
    with app.test_request_context(f"/reception/packets/{packet.id}"):
        page = render_template("summary/_summary.html", summary=summary)
        text = pdf_text(render_pdf(summary))
    assert "Symptoms since" in page and "Symptoms since" in text  # both rendered
    for n in range(3):
        for words in (f"QAlognote{n}", f"QAwhere{n}"):
            assert words in page and words in text


def test_a_90_day_pdf_ends_with_its_full_log(app, long_summary):
    with app.test_request_context():
        pdf = render_pdf(long_summary)
    assert page_text(pdf, pdf_pages(pdf)).count("Entry ") > 0


def test_the_pdf_is_tagged_for_screen_readers(app, typical):
    with app.test_request_context():
        info = pdf_info(render_pdf(typical))
    assert info["Tagged"] == "yes"
    assert info["Title"].startswith("Visit summary")


def test_emoji_in_the_patients_words_print_in_a_colour_emoji_font(app, clinic):
    packet = make_full_packet(clinic)
    packet.hopes = "Sleep better 😴 and walk the dog again 🐕"
    db.session.commit()
    summary = build_summary(load_packet(packet.id))
    with app.test_request_context():
        pdf = render_pdf(summary)
    # Found by the system's font fallback (fonts-noto-color-emoji), not named in the CSS:
    # named there, it would also draw every digit of the page.
    assert "Noto-Color-Emoji" in pdf_fonts(pdf)
    assert "Sleep better" in pdf_text(pdf)


def test_digits_are_not_drawn_with_the_emoji_font(app, typical):
    with app.test_request_context():
        assert "Noto-Color-Emoji" not in pdf_fonts(render_pdf(typical))


def test_every_page_names_the_patient_and_counts_the_pages(app, long_summary):
    with app.test_request_context():
        pdf = render_pdf(long_summary)
    name, pages = long_summary.patient_name, pdf_pages(pdf)
    assert pages >= 2  # the long log runs past the first page, onto its full-log pages
    for n in range(1, pages + 1):
        assert f"{name} · page {n} of {pages}" in page_text(pdf, n)
