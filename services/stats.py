"""Statistics of a symptom log, since its first entry, for the visit summary.

Plain functions over the entries (any objects with SymptomEntry's attributes), so the
numbers can be checked by hand in tests and shared by the page, the PDF and the CSV.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from content.body import AREA_BY_KEY
from content.vocab import label

#: A day is a "bad day" when any entry that day has pain at or above this.
BAD_DAY_PAIN = 7


@dataclass(frozen=True)
class Ranked:
    """A vocabulary key, its label, and how many entries named it."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DayPoint:
    """One logged day: the mean and worst pain, and the mean fatigue (None if not logged)."""

    day: date
    pain_avg: float
    pain_max: int
    fatigue_avg: float | None


@dataclass
class LogStats:
    entries: int = 0
    days_logged: int = 0
    first: datetime | None = None
    last: datetime | None = None
    pain_avg: float | None = None
    pain_best: int | None = None
    pain_worst: int | None = None
    fatigue_avg: float | None = None
    fatigue_best: int | None = None
    fatigue_worst: int | None = None
    fatigue_entries: int = 0
    #: Days with at least one entry at BAD_DAY_PAIN or more.
    bad_days: int = 0
    #: How many entries marked each body area, most first (keys of content.body.AREAS).
    area_counts: dict[str, int] = field(default_factory=dict)
    areas: list[Ranked] = field(default_factory=list)
    qualities: list[Ranked] = field(default_factory=list)
    triggers: list[Ranked] = field(default_factory=list)
    reliefs: list[Ranked] = field(default_factory=list)
    moods: list[Ranked] = field(default_factory=list)
    sleep_avg: float | None = None
    sleep_min: float | None = None
    sleep_max: float | None = None
    sleep_entries: int = 0
    #: Entries answering "rested?" and how many said yes.
    rested_answered: int = 0
    rested_yes: int = 0
    stiffness_avg: int | None = None
    stiffness_max: int | None = None
    stiffness_entries: int = 0
    numbness_entries: int = 0
    spasm_entries: int = 0
    headache_entries: int = 0
    digestive_entries: int = 0
    daily: list[DayPoint] = field(default_factory=list)

    @property
    def span_days(self) -> int:
        """Calendar days from the first entry to the last, both included."""
        if self.first is None or self.last is None:
            return 0
        return (self.last.date() - self.first.date()).days + 1


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _rank(counter: Counter, vocab: str | None) -> list[Ranked]:
    """Most frequent first; ties in alphabetical order of key so the order is stable."""
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for key, count in ordered:
        if vocab is None:
            area = AREA_BY_KEY.get(key)
            text = str(area.label) if area else key
        else:
            text = str(label(vocab, key))
        out.append(Ranked(key, text, count))
    return out


def counted_daily(entries: Sequence, name: str) -> list[bool]:
    """For each entry (oldest first), whether its once-a-day answer `name` counts.

    A value carried unchanged from the entry before (`entry.carried`) counts only when no
    earlier entry that day already gave one, so a night's sleep is counted once per day.
    """
    days_with_value: set[date] = set()
    out = []
    for entry in entries:
        value = getattr(entry, name)
        day = entry.recorded_at.date()
        counts = value is not None and not (
            name in (getattr(entry, "carried", None) or []) and day in days_with_value)
        if counts:
            days_with_value.add(day)
        out.append(counts)
    return out


#: The once-a-day answers, counted once per day as counted_daily says.
DAILY = ("sleep_hours", "rested", "stiffness_minutes")


def log_stats(entries: Iterable) -> LogStats:
    """Everything the summary says about the log, from its entries in any order.

    One pass, reading each attribute of an entry once (a year's log is 365 entries, and
    every read of a loaded row's attribute goes through the ORM's descriptors).
    """
    entries = sorted(entries, key=lambda e: e.recorded_at)
    stats = LogStats(entries=len(entries))
    if not entries:
        return stats
    stats.first, stats.last = entries[0].recorded_at, entries[-1].recorded_at

    pains, fatigues = [], []
    by_day: dict[date, tuple[list, list]] = {}
    areas, qualities, triggers, reliefs, moods = (
        Counter(),
        Counter(),
        Counter(),
        Counter(),
        Counter(),
    )
    daily: dict[str, list] = {name: [] for name in DAILY}
    days_with: dict[str, set[date]] = {name: set() for name in DAILY}
    numbness = spasms = headaches = digestive = 0
    for entry in entries:
        day = entry.recorded_at.date()
        pain, fatigue = entry.pain, entry.fatigue
        pains.append(pain)
        day_pains, day_fatigue = by_day.setdefault(day, ([], []))
        day_pains.append(pain)
        if fatigue is not None:
            fatigues.append(fatigue)
            day_fatigue.append(fatigue)
        # A key listed twice in one entry still counts once for that entry.
        areas.update({a for a in (entry.areas or []) if a in AREA_BY_KEY})
        qualities.update(set(entry.qualities or []))
        triggers.update(set(entry.worse_with or []))
        reliefs.update(set(entry.helped_with or []))
        mood = entry.mood
        if mood:
            moods[mood] += 1
        carried = getattr(entry, "carried", None) or []
        for name in DAILY:
            value = getattr(entry, name)
            if value is not None and not (name in carried and day in days_with[name]):
                days_with[name].add(day)
                daily[name].append(value)
        numbness += bool(entry.numbness)
        spasms += bool(entry.spasms)
        headaches += bool(entry.headache)
        digestive += bool(entry.digestive)

    stats.pain_avg, stats.pain_best, stats.pain_worst = _mean(pains), min(pains), max(pains)
    stats.fatigue_entries = len(fatigues)
    if fatigues:
        stats.fatigue_avg = _mean(fatigues)
        stats.fatigue_best, stats.fatigue_worst = min(fatigues), max(fatigues)

    stats.days_logged = len(by_day)
    for day, (day_pains, day_fatigue) in by_day.items():
        stats.daily.append(
            DayPoint(
                day,
                sum(day_pains) / len(day_pains),
                max(day_pains),
                sum(day_fatigue) / len(day_fatigue) if day_fatigue else None,
            )
        )
    stats.bad_days = sum(1 for point in stats.daily if point.pain_max >= BAD_DAY_PAIN)

    stats.areas = _rank(areas, None)
    stats.area_counts = {r.key: r.count for r in stats.areas}
    stats.qualities = _rank(qualities, "pain_qualities")
    stats.triggers = _rank(triggers, "triggers")
    stats.reliefs = _rank(reliefs, "reliefs")
    stats.moods = _rank(moods, "moods")

    sleeps = [float(v) for v in daily["sleep_hours"]]
    stats.sleep_entries = len(sleeps)
    if sleeps:
        stats.sleep_avg, stats.sleep_min, stats.sleep_max = _mean(sleeps), min(sleeps), max(sleeps)
    rested = daily["rested"]
    stats.rested_answered, stats.rested_yes = len(rested), sum(1 for r in rested if r)

    stiff = daily["stiffness_minutes"]
    stats.stiffness_entries = len(stiff)
    if stiff:
        stats.stiffness_avg = round(sum(stiff) / len(stiff))
        stats.stiffness_max = max(stiff)

    stats.numbness_entries = numbness
    stats.spasm_entries = spasms
    stats.headache_entries = headaches
    stats.digestive_entries = digestive
    return stats
