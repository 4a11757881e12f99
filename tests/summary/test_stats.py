"""Log statistics, checked against a small log worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

from models import SymptomEntry
from services.stats import log_stats


def entry(when: str, pain: int, **fields) -> SymptomEntry:
    return SymptomEntry(recorded_at=datetime.fromisoformat(when), pain=pain, **fields)


def hand_log():
    return [
        # Out of order on purpose: the statistics sort by time.
        entry("2026-11-03T09:00", 2, areas=["neck", "neck", "bogus"], helped_with=["rest"],
              sleep_hours=7.5, rested=False, stiffness_minutes=90, headache=True),
        entry("2026-11-01T08:00", 4, fatigue=5, areas=["neck", "lower_back"],
              worse_with=["sitting"], helped_with=["heat"], sleep_hours=6, rested=True,
              stiffness_minutes=30, mood="okay", qualities=["deep_ache"]),
        entry("2026-11-01T20:00", 8, fatigue=7, areas=["neck"], worse_with=["sitting", "stress"],
              helped_with=["heat", "rest"], numbness=True, mood="low"),
    ]


def test_counts_and_pain(app):
    stats = log_stats(hand_log())
    assert stats.entries == 3
    assert stats.days_logged == 2
    assert stats.span_days == 3
    assert stats.first == datetime(2026, 11, 1, 8) and stats.last == datetime(2026, 11, 3, 9)
    assert (stats.pain_avg, stats.pain_best, stats.pain_worst) == (4.7, 2, 8)
    assert (stats.fatigue_avg, stats.fatigue_best, stats.fatigue_worst) == (6.0, 5, 7)
    assert stats.fatigue_entries == 2
    assert stats.bad_days == 1


def test_areas_triggers_and_reliefs_ranked_by_count(app):
    stats = log_stats(hand_log())
    assert [(r.key, r.count) for r in stats.areas] == [("neck", 3), ("lower_back", 1)]
    assert stats.areas[0].label == "Neck"
    assert [(r.key, r.count) for r in stats.triggers] == [("sitting", 2), ("stress", 1)]
    assert stats.triggers[0].label == "Sitting"
    # A tie keeps a stable order (by key).
    assert [(r.key, r.count) for r in stats.reliefs] == [("heat", 2), ("rest", 2)]
    assert [(r.key, r.count) for r in stats.moods] == [("low", 1), ("okay", 1)]
    assert stats.area_counts == {"neck": 3, "lower_back": 1}


def test_sleep_stiffness_and_other_symptoms(app):
    stats = log_stats(hand_log())
    assert (stats.sleep_avg, stats.sleep_min, stats.sleep_max, stats.sleep_entries) == (
        6.8, 6.0, 7.5, 2)
    assert (stats.rested_answered, stats.rested_yes) == (2, 1)
    assert (stats.stiffness_avg, stats.stiffness_max, stats.stiffness_entries) == (60, 90, 2)
    assert (stats.numbness_entries, stats.headache_entries, stats.spasm_entries) == (1, 1, 0)


def test_daily_points(app):
    daily = log_stats(hand_log()).daily
    assert [(d.day, d.pain_avg, d.pain_max, d.fatigue_avg) for d in daily] == [
        (date(2026, 11, 1), 6.0, 8, 6.0),
        (date(2026, 11, 3), 2.0, 2, None),
    ]


def test_an_empty_log(app):
    stats = log_stats([])
    assert stats.entries == 0 and stats.days_logged == 0 and stats.span_days == 0
    assert stats.pain_avg is None and stats.daily == [] and stats.areas == []


def test_bad_day_boundary_is_seven(app):
    six = log_stats([entry("2026-11-01T08:00", 6)])
    seven = log_stats([entry("2026-11-01T08:00", 7)])
    assert (six.bad_days, seven.bad_days) == (0, 1)
