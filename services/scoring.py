"""ACR 2016 fibromyalgia self-report scores, for clinician review only.

Never shown to patients as a verdict: staff see them labelled as a screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from content.body import AREA_BY_KEY, REGIONS


@dataclass(frozen=True)
class Scores:
    #: Widespread Pain Index, 0-19.
    wpi: int
    #: Regions (of 5) with pain in at least one of their areas.
    regions: tuple[str, ...]
    #: Pain in at least 4 of the 5 regions.
    generalised: bool
    #: Symptom Severity Scale, 0-12; None while an item is unanswered.
    sss: int | None
    #: WPI + SSS, 0-31; None while SSS is incomplete.
    severity: int | None
    #: Symptoms for at least 3 months: "yes", "no", "unsure" or None.
    three_months: str | None
    #: True when the 2016 pattern is met, False when not, None when answers are missing.
    pattern_met: bool | None


def widespread_pain_index(areas: Iterable[str]) -> int:
    """Count the distinct known areas (unknown keys are ignored)."""
    return len({a for a in areas if a in AREA_BY_KEY})


def painful_regions(areas: Iterable[str]) -> tuple[str, ...]:
    hit = {AREA_BY_KEY[a].region for a in areas if a in AREA_BY_KEY}
    return tuple(r for r in REGIONS if r in hit)


def symptom_severity(
    fatigue: int | None,
    unrefreshed: int | None,
    cognitive: int | None,
    headaches: bool | None,
    lower_abdomen: bool | None,
    depression: bool | None,
) -> int | None:
    items = (fatigue, unrefreshed, cognitive)
    if any(v is None for v in items):
        return None
    for v in items:
        if not 0 <= v <= 3:  # type: ignore[operator]
            raise ValueError("symptom severity items are 0-3")
    extras = sum(1 for v in (headaches, lower_abdomen, depression) if v)
    return sum(items) + extras  # type: ignore[arg-type]


def pattern_met(wpi: int, sss: int | None, generalised: bool, three_months: str | None) -> bool | None:
    """(WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9), generalised, >= 3 months.

    False as soon as the known answers rule the pattern out (WPI under 4, pain not
    generalised, or symptoms not for 3 months), even if other answers are missing;
    None only when a missing answer could still decide it.
    """
    if wpi < 4 or not generalised or three_months in {"no", "unsure"}:
        return False
    if sss is not None and not ((wpi >= 7 and sss >= 5) or (4 <= wpi <= 6 and sss >= 9)):
        return False
    if sss is None or three_months is None:
        return None
    return three_months == "yes"


def score(
    areas: Iterable[str],
    fatigue: int | None = None,
    unrefreshed: int | None = None,
    cognitive: int | None = None,
    headaches: bool | None = None,
    lower_abdomen: bool | None = None,
    depression: bool | None = None,
    three_months: str | None = None,
) -> Scores:
    areas = list(areas)
    wpi = widespread_pain_index(areas)
    regions = painful_regions(areas)
    generalised = len(regions) >= 4
    sss = symptom_severity(fatigue, unrefreshed, cognitive, headaches, lower_abdomen, depression)
    return Scores(
        wpi=wpi,
        regions=regions,
        generalised=generalised,
        sss=sss,
        severity=None if sss is None else wpi + sss,
        three_months=three_months,
        pattern_met=pattern_met(wpi, sss, generalised, three_months),
    )


def score_body_check(check) -> Scores | None:
    """Scores for a packet's BodyCheck, or None when there is none."""
    if check is None:
        return None
    return score(
        check.areas or [],
        check.fatigue,
        check.unrefreshed,
        check.cognitive,
        check.headaches,
        check.lower_abdomen,
        check.depression,
        check.three_months,
    )
