"""ACR 2016 self-report scores: hand-worked cases at every boundary, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.body import AREA_KEYS, REGIONS
from models import BodyCheck
from services.scoring import (
    painful_regions,
    pattern_met,
    score,
    score_body_check,
    symptom_severity,
    widespread_pain_index,
)

#: Arithmetic, not the database.
pytestmark = pytest.mark.any_database

NO_REGION = ("jaw_left", "jaw_right", "chest", "abdomen")
#: One area in each of the four limb regions: WPI 4, 4 regions.
FOUR_CORNERS = ["shoulder_left", "shoulder_right", "hip_left", "hip_right"]


def sss_items(total: int) -> dict:
    """Symptom Severity answers adding up to `total` (0-12): the 0-3 items first."""
    values = {}
    left = total
    for key in ("fatigue", "unrefreshed", "cognitive"):
        values[key] = min(3, left)
        left -= values[key]
    for key in ("headaches", "lower_abdomen", "depression"):
        values[key] = left > 0
        left -= values[key]
    assert left == 0
    return values


def full(areas, sss: int, three_months="yes"):
    return score(areas, **sss_items(sss), three_months=three_months)


# --- Widespread Pain Index and regions ----------------------------------------------


def test_the_index_counts_each_known_area_once():
    assert widespread_pain_index(["neck", "neck", "not-an-area", "chest"]) == 2
    assert widespread_pain_index(AREA_KEYS) == 19
    assert widespread_pain_index([]) == 0


@pytest.mark.parametrize(
    ("areas", "regions"),
    [
        (["shoulder_left", "upper_arm_left", "lower_arm_left"], ("left_upper",)),
        (["shoulder_right", "upper_arm_right", "lower_arm_right"], ("right_upper",)),
        (["hip_left", "upper_leg_left", "lower_leg_left"], ("left_lower",)),
        (["hip_right", "upper_leg_right", "lower_leg_right"], ("right_lower",)),
        (["neck", "upper_back", "lower_back"], ("axial",)),
    ],
)
def test_each_region_is_made_of_its_areas(areas, regions):
    assert painful_regions(areas) == regions


def test_jaw_only_pain_counts_for_the_index_but_no_region():
    result = full(["jaw_left", "jaw_right"], 12)
    assert (result.wpi, result.regions, result.generalised) == (2, (), False)
    assert result.pattern_met is False


def test_chest_and_abdomen_only_count_for_the_index_but_no_region():
    result = full(["chest", "abdomen"], 12)
    assert (result.wpi, result.regions, result.generalised) == (2, (), False)


def test_seven_areas_with_jaw_chest_and_belly_are_not_generalised():
    # WPI 7, but the four no-region areas plus one arm: one region only.
    areas = [*NO_REGION, "shoulder_left", "upper_arm_left", "lower_arm_left"]
    result = full(areas, 12)
    assert result.wpi == 7
    assert result.regions == ("left_upper",)
    assert result.pattern_met is False


def test_three_of_five_regions_is_not_generalised_four_is():
    three = ["neck", "upper_back", "lower_back", "shoulder_left", "upper_arm_left",
             "lower_arm_left", "hip_left", "upper_leg_left"]
    result = full(three, 12)
    assert (result.wpi, len(result.regions), result.generalised) == (8, 3, False)
    assert result.pattern_met is False
    result = full([*three, "shoulder_right"], 12)
    assert (result.wpi, len(result.regions), result.generalised) == (9, 4, True)
    assert result.pattern_met is True


# --- Symptom Severity Scale -----------------------------------------------------------


def test_symptom_severity_adds_the_three_items_and_the_three_points():
    assert symptom_severity(3, 3, 3, True, True, True) == 12
    assert symptom_severity(0, 0, 0, False, False, False) == 0
    assert symptom_severity(2, 1, 0, True, None, False) == 4


def test_symptom_severity_is_none_while_an_item_is_unanswered():
    assert symptom_severity(None, 3, 3, True, True, True) is None
    assert full(FOUR_CORNERS, 5).sss == 5


@pytest.mark.parametrize("bad", [-1, 4])
def test_symptom_severity_refuses_values_out_of_range(bad):
    with pytest.raises(ValueError):
        symptom_severity(bad, 0, 0, False, False, False)


# --- The 2016 pattern at every boundary ---------------------------------------------


def generalised_areas(wpi: int) -> list[str]:
    """`wpi` areas (4-19) covering at least 4 regions."""
    extra = [a for a in AREA_KEYS if a not in FOUR_CORNERS]
    return FOUR_CORNERS + extra[: wpi - 4]


@pytest.mark.parametrize(
    ("wpi", "sss", "met"),
    [
        (3, 12, False),  # WPI under 4 never meets it
        (4, 8, False),
        (4, 9, True),
        (6, 8, False),
        (6, 9, True),
        (7, 4, False),
        (7, 5, True),
        (19, 4, False),
        (19, 5, True),
    ],
)
def test_pattern_boundaries(wpi, sss, met):
    areas = generalised_areas(wpi) if wpi >= 4 else ["neck", "shoulder_left", "hip_right"]
    result = full(areas, sss)
    assert result.wpi == wpi
    assert result.sss == sss
    assert result.severity == wpi + sss
    assert result.pattern_met is met


def test_wpi_three_with_generalised_shape_is_still_not_met():
    # 3 areas can reach at most 3 regions, so it is also not generalised.
    result = full(["neck", "shoulder_left", "hip_right"], 12)
    assert (result.wpi, len(result.regions), result.pattern_met) == (3, 3, False)


@pytest.mark.parametrize(("answer", "met"), [("yes", True), ("no", False), ("unsure", False)])
def test_symptoms_for_three_months_are_needed(answer, met):
    assert full(generalised_areas(7), 5, three_months=answer).pattern_met is met


def test_missing_answers_leave_the_pattern_open_only_when_they_could_decide_it():
    assert full(generalised_areas(7), 5, three_months=None).pattern_met is None
    assert score(generalised_areas(7), three_months="yes").pattern_met is None
    # Missing answers cannot rescue these: the result is already known.
    assert score(["neck"], three_months=None).pattern_met is False
    assert score(["neck", "upper_back", "lower_back", "chest", "abdomen", "jaw_left",
                  "jaw_right"]).pattern_met is False
    assert score(generalised_areas(7), three_months="no").pattern_met is False
    assert full(generalised_areas(5), 8, three_months=None).pattern_met is False


def test_score_body_check_reads_the_row():
    assert score_body_check(None) is None
    check = BodyCheck(areas=generalised_areas(7), fatigue=2, unrefreshed=2, cognitive=1,
                      headaches=False, lower_abdomen=False, depression=False, three_months="yes")
    result = score_body_check(check)
    assert (result.wpi, result.sss, result.severity, result.pattern_met) == (7, 5, 12, True)


# --- Invariants -----------------------------------------------------------------------

areas_st = st.lists(st.sampled_from(AREA_KEYS), max_size=25)
level_st = st.integers(0, 3)
flag_st = st.booleans()
months_st = st.sampled_from(["yes", "no", "unsure", None])


@settings(max_examples=300, deadline=None)
@given(areas_st, level_st, level_st, level_st, flag_st, flag_st, flag_st, months_st)
def test_scores_stay_in_range_and_follow_the_definition(areas, f, u, c, h, a, d, months):
    result = score(areas, f, u, c, h, a, d, months)
    assert 0 <= result.wpi <= 19
    assert 0 <= result.sss <= 12
    assert result.severity == result.wpi + result.sss
    assert 0 <= result.severity <= 31
    assert set(result.regions) <= set(REGIONS)
    assert result.generalised == (len(result.regions) >= 4)
    thresholds = (result.wpi >= 7 and result.sss >= 5) or (
        4 <= result.wpi <= 6 and result.sss >= 9
    )
    if not (thresholds and result.generalised):
        assert result.pattern_met is False
    elif months is None:
        assert result.pattern_met is None
    else:
        assert result.pattern_met is (months == "yes")


@settings(max_examples=300, deadline=None)
@given(areas_st, areas_st, level_st, level_st, level_st, flag_st, flag_st, flag_st)
def test_adding_areas_never_lowers_anything(base, more, f, u, c, h, a, d):
    before = score(base, f, u, c, h, a, d, "yes")
    after = score(base + more, f, u, c, h, a, d, "yes")
    assert after.wpi >= before.wpi
    assert set(before.regions) <= set(after.regions)
    assert after.generalised >= before.generalised
    assert after.severity >= before.severity
    assert after.pattern_met >= before.pattern_met


@settings(max_examples=300, deadline=None)
@given(areas_st, st.lists(st.sampled_from(NO_REGION), min_size=1))
def test_jaw_chest_and_abdomen_never_add_a_region(areas, extra):
    before, after = score(areas), score(areas + extra)
    assert after.regions == before.regions
    assert after.wpi == before.wpi + len(set(extra) - set(areas))


@given(st.integers(0, 19), st.integers(0, 12), st.booleans())
def test_pattern_met_alone_matches_the_rule(wpi, sss, generalised):
    rule = ((wpi >= 7 and sss >= 5) or (4 <= wpi <= 6 and sss >= 9)) and generalised
    assert pattern_met(wpi, sss, generalised, "yes") is rule
    assert pattern_met(wpi, sss, generalised, "no") is False
