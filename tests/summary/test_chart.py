"""The server-drawn SVG chart and body map: valid, attribute-styled, with text alternatives."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from content.body import AREA_KEYS
from services.chart import SHADES, body_map, pain_fatigue_chart, shade
from services.stats import DayPoint

SVG = "{http://www.w3.org/2000/svg}"


def points(n: int, fatigue: bool = True) -> list[DayPoint]:
    start = date(2026, 8, 1)
    return [
        DayPoint(start + timedelta(days=i), 2 + i % 8, 2 + i % 8, (3 + i % 5) if fatigue else None)
        for i in range(n)
    ]


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup, in a test


def no_style_anywhere(root: ET.Element) -> bool:
    return all("style" not in el.attrib for el in root.iter()) and root.find(f".//{SVG}style") is None


def test_chart_is_valid_svg_with_a_title_description_and_no_style(app):
    root = parse(pain_fatigue_chart(points(90)))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and "Pain" in title.text
    assert "90 days logged" in desc.text
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    assert no_style_anywhere(root)


def test_chart_draws_one_point_per_day_for_pain_and_fatigue(app):
    root = parse(pain_fatigue_chart(points(20)))
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 2
    assert all(len(line.get("points").split()) == 20 for line in lines)
    # The pain line is solid, the tiredness line dashed: readable in black and white.
    assert sum(1 for line in lines if line.get("stroke-dasharray")) == 1


def test_chart_without_fatigue_draws_only_pain(app):
    root = parse(pain_fatigue_chart(points(10, fatigue=False)))
    assert len(root.findall(f"{SVG}polyline")) == 1


def test_chart_of_one_day_and_of_none(app):
    root = parse(pain_fatigue_chart(points(1)))
    assert root.find(f"{SVG}circle") is not None
    assert str(pain_fatigue_chart([])) == ""


def test_body_map_shades_each_area_by_count(app):
    counts = {"neck": 10, "lower_back": 5, "jaw_left": 1}
    root = parse(body_map(counts, entries=12))
    assert no_style_anywhere(root)
    shapes = {
        el.find(f"{SVG}title").text: el.get("fill")
        for el in root.iter()
        if el.find(f"{SVG}title") is not None and el.tag != f"{SVG}svg"
    }
    assert len(shapes) == len(AREA_KEYS) == 19
    assert shapes["Neck: 10 of 12 entries"] == SHADES[4]
    assert shapes["Lower back: 5 of 12 entries"] == SHADES[2]
    assert shapes["Left jaw: 1 of 12 entries"] == SHADES[1]
    assert shapes["Chest: 0 of 12 entries"] == SHADES[0]
    assert "Neck: 10 of 12 entries" in root.find(f"{SVG}desc").text


def test_shade_steps():
    assert shade(0, 10) == SHADES[0]
    assert shade(1, 10) == SHADES[1]
    assert shade(3, 10) == SHADES[2]
    assert shade(7, 10) == SHADES[3]
    assert shade(10, 10) == SHADES[4]
    assert shade(5, 0) == SHADES[0]


def test_body_map_of_an_empty_log_is_nothing(app):
    assert str(body_map({}, entries=0)) == ""
