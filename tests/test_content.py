"""Checks on the clinical wording and vocabularies in ``content``."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel
from flask_babel.speaklater import LazyString

from content import question_bank as qb
from content import vocab

SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
SEED_NAME = "000_5c8446e66be14f48.txt"


@pytest.fixture(autouse=True)
def babel_ctx():
    """Lazy strings are rendered inside an app context with Babel set up."""
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield app


def _lazy_strings(obj, seen=None):
    """Every lazy string reachable from ``obj`` (tuples, dicts, dataclasses)."""
    if seen is None:
        seen = set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, LazyString):
        yield obj
    elif isinstance(obj, (tuple, list, set, frozenset)):
        for item in obj:
            yield from _lazy_strings(item, seen)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _lazy_strings(item, seen)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            yield from _lazy_strings(getattr(obj, f.name), seen)


def _all_user_strings() -> list[str]:
    out: list[str] = []
    for module in (qb, vocab):
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            out.extend(str(s) for s in _lazy_strings(value))
    return out


def _pair_vocabs() -> dict[str, tuple]:
    """Every public (key, label) vocabulary tuple in ``content.vocab``."""
    found = {}
    for name, value in vars(vocab).items():
        if (
            name.isupper()
            and isinstance(value, tuple)
            and value
            and all(isinstance(p, tuple) and len(p) == 2 for p in value)
        ):
            found[name] = value
    return found


# --- question bank ----------------------------------------------------------


def test_counts():
    assert len(qb.QUESTIONS) >= 40
    assert len(qb.TOPICS) >= 7


def test_required_topics_present_in_order():
    keys = [t.key for t in qb.TOPICS]
    required = [
        "exam",
        "tests",
        "treatment",
        "medications",
        "therapy_selfcare",
        "doctor",
        "costs",
        "followup",
    ]
    assert [k for k in keys if k in required] == required


def test_every_topic_has_five_questions():
    for topic in qb.TOPICS:
        assert len(qb.questions_for(topic.key)) >= 5, topic.key


def test_every_question_topic_exists():
    for q in qb.QUESTIONS:
        assert q.topic in qb.TOPIC_BY_KEY, q.key


def test_keys_unique_and_snake_case():
    topic_keys = [t.key for t in qb.TOPICS]
    question_keys = [q.key for q in qb.QUESTIONS]
    assert len(set(topic_keys)) == len(topic_keys)
    assert len(set(question_keys)) == len(question_keys)
    for key in topic_keys + question_keys:
        assert SNAKE.match(key), key
    for q in qb.QUESTIONS:
        assert q.key.startswith(q.topic + "_"), q.key


def test_lookup_dicts_match():
    assert set(qb.TOPIC_BY_KEY) == {t.key for t in qb.TOPICS}
    assert set(qb.QUESTION_BY_KEY) == {q.key for q in qb.QUESTIONS}


def test_question_text_length_and_shape():
    for q in qb.QUESTIONS:
        text = str(q.text)
        assert 0 < len(text) <= 160, q.key
        assert text.endswith("?"), q.key
    for t in qb.TOPICS:
        assert str(t.title).strip() and str(t.blurb).strip()
        assert len(str(t.blurb)) <= 80, t.key


def test_question_texts_unique():
    texts = [str(q.text).lower() for q in qb.QUESTIONS]
    assert len(set(texts)) == len(texts)


def test_suggestions_format_with_a_name():
    required = {
        "medication",
        "medication_class",
        "treatment_no_help",
        "treatment_worse",
        "red_flag",
        "numbness",
        "sleep",
        "stiffness",
    }
    assert required <= set(qb.SUGGESTIONS)
    for key, template in qb.SUGGESTIONS.items():
        text = str(template) % {"name": "ibuprofen"}
        assert "%" not in text, key
        assert text.strip(), key
        assert len(text) <= 160, key
        if key in qb.SUGGESTIONS_WITH_NAME:
            assert "ibuprofen" in text, key
        else:
            assert "%(name)s" not in str(template), key


# --- vocabularies -----------------------------------------------------------


def test_expected_vocabularies_exist():
    expected = {
        "REASON_PROMPTS",
        "CONDITIONS",
        "HISTORY_KINDS",
        "TEST_KINDS",
        "FAMILY_HISTORY",
        "MEDICATION_CLASS_CHOICES",
        "FREQUENCIES",
        "TREATMENTS",
        "TREATMENT_EFFECTS",
        "PAIN_QUALITIES",
        "TRIGGERS",
        "RELIEFS",
        "MOODS",
        "SSS_LEVELS",
    }
    assert expected <= set(_pair_vocabs())


def test_vocab_keys_unique_and_labels_non_empty():
    for name, pairs in _pair_vocabs().items():
        keys = [k for k, _ in pairs]
        assert len(set(keys)) == len(keys), name
        for key, text in pairs:
            if name != "SSS_LEVELS":
                assert isinstance(key, str) and SNAKE.match(key), (name, key)
            assert str(text).strip(), (name, key)
            assert len(str(text)) <= 60, (name, key)


def test_medication_classes():
    keys = [m.key for m in vocab.MEDICATION_CLASSES]
    assert len(set(keys)) == len(keys)
    for key in (
        "nsaid",
        "corticosteroid",
        "muscle_relaxant",
        "tricyclic",
        "ssri",
        "snri",
        "antiseizure",
        "opioid",
        "sleep_aid",
        "other",
        "unsure",
    ):
        assert key in vocab.MEDICATION_CLASS_BY_KEY, key
    for m in vocab.MEDICATION_CLASSES:
        assert str(m.label).strip() and str(m.hint).strip(), m.key
        assert len(str(m.hint)) <= 60, m.key
    assert "ibuprofen" in str(vocab.MEDICATION_CLASS_BY_KEY["nsaid"].hint)
    assert "pregabalin" in str(vocab.MEDICATION_CLASS_BY_KEY["antiseizure"].hint)


def test_scales():
    assert [k for k, _ in vocab.SSS_LEVELS] == [0, 1, 2, 3]
    assert str(vocab.PAIN_SCALE_WORDS["low"]) == "No pain"
    assert str(vocab.PAIN_SCALE_WORDS["high"]) == "Worst pain you can imagine"
    assert str(vocab.FATIGUE_SCALE_WORDS["low"]) == "No tiredness"
    assert str(vocab.FATIGUE_SCALE_WORDS["high"]) == "Worst tiredness you can imagine"


def test_label_lookup():
    assert str(vocab.label(vocab.CONDITIONS, "lupus")) == "Lupus"
    assert str(vocab.label("conditions", "lupus")) == "Lupus"
    assert (
        str(vocab.label(vocab.MEDICATION_CLASSES, "muscle_relaxant"))
        == "Muscle relaxant"
    )
    assert str(vocab.label(vocab.SSS_LEVELS, 2)) == "Moderate"
    assert vocab.label(vocab.CONDITIONS, "no_such_key") == "no_such_key"
    assert vocab.label("no_such_vocab", "x") == "x"
    assert vocab.keys(vocab.MOODS)[0] == "good"


# --- own words, not the article's ------------------------------------------


def _seed_path() -> Path | None:
    here = Path(__file__).resolve().parent.parent
    candidates = [
        os.environ.get("VISITPREP_SEED_ARTICLE"),
        # The team's shared folder sits beside the checkout (and beside CI's clone).
        here.parent / "shared" / "seed" / SEED_NAME,
    ]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def _seed_sentences(text: str) -> list[str]:
    """Sentences (and clauses split at ':' or ';') longer than 40 characters."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:\u2022|\d+\.)\s*", "", line)
        for part in re.split(r"(?<=[.!?:;])\s+", line):
            part = _normalise(part).rstrip(".!?:;").strip()
            if len(part) > 40:
                out.append(part)
    return out


def test_no_seed_sentence_is_copied():
    path = _seed_path()
    if path is None:
        pytest.skip("seed article not found; set VISITPREP_SEED_ARTICLE")
    sentences = _seed_sentences(path.read_text(encoding="utf-8"))
    assert len(sentences) > 50  # the splitter found the article's prose
    ours = [_normalise(s) for s in _all_user_strings()]
    assert len(ours) > 100
    for sentence in sentences:
        for s in ours:
            assert sentence not in s, (sentence, s)
