"""Small SVG pictures for the visit summary, drawn on the server.

Inline SVG with presentation attributes only (fill, stroke, font-size): the CSP forbids
`style=` attributes, and the same markup must print and go into the PDF unchanged.
Every picture carries a <title> and <desc> and the page prints the same facts as text,
so nobody needs to see the picture to get its meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup, escape

from content.body import AREA_BY_KEY
from services.formatting import format_short_day
from services.stats import DayPoint

INK = "#1f2a37"
SOFT = "#6b7280"
GRID = "#d5dbd8"
PAIN = "#1d6b5f"
FATIGUE = "#8a4b00"
FONT = "DejaVu Sans, Arial, sans-serif"
#: Shades for how often an area was marked: none, then four steps up to "most entries".
SHADES = ("#ffffff", "#e3f1ee", "#a8d5cc", "#5ea897", "#1d6b5f")


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short_date(day: date) -> str:
    return format_short_day(day)


def chart_description(points: Sequence[DayPoint]) -> str:
    """The chart in words: what a screen reader says and what the figure caption shows."""
    if not points:
        return _("No symptom log entries yet.")
    pains = [p.pain_avg for p in points]
    fatigues = [p.fatigue_avg for p in points if p.fatigue_avg is not None]
    text = _(
        "Daily pain from %(first)s to %(last)s (%(days)d days logged): "
        "lowest daily average %(low)s, highest %(high)s out of 10.",
        first=_short_date(points[0].day),
        last=_short_date(points[-1].day),
        days=len(points),
        low=_fmt(min(pains)),
        high=_fmt(max(pains)),
    )
    if len(points) >= 6:
        third = max(1, len(points) // 3)
        early = sum(pains[:third]) / third
        late = sum(pains[-third:]) / third
        text += " " + _(
            "Average in the first third %(early)s, in the last third %(late)s.",
            early=_fmt(early),
            late=_fmt(late),
        )
    if fatigues:
        text += " " + _(
            "Daily tiredness between %(low)s and %(high)s.",
            low=_fmt(min(fatigues)),
            high=_fmt(max(fatigues)),
        )
    return text


def pain_fatigue_chart(points: Sequence[DayPoint], id_prefix: str = "vp-chart") -> Markup:
    """A line chart of daily average pain (solid) and tiredness (dashed), 0-10, over time."""
    if not points:
        return Markup("")
    # The legend is HTML next to the picture (readable at any size); see _summary.html.
    width, height = 600, 170
    left, right, top, bottom = 30, 12, 8, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = points[0].day, points[-1].day
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + (day - first).days / span * plot_w

    def y(value: float) -> float:
        return top + (10 - value) / 10 * plot_h

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT}">',
        f'<title id="{title_id}">{escape(_("Pain and tiredness over time"))}</title>',
        f'<desc id="{desc_id}">{escape(chart_description(points))}</desc>',
    ]
    # The 7-10 band marks what the summary counts as a bad day.
    parts.append(
        f'<rect x="{left}" y="{y(10):.1f}" width="{plot_w}" height="{y(7) - y(10):.1f}" '
        f'fill="#fdf3ee"/>'
    )
    for value in (0, 2, 4, 6, 8, 10):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{SOFT}">{value}</text>'
        )
    ticks = [first] if first == last else [first, last]
    if span >= 14:
        ticks.insert(1, first + (last - first) / 2)
    for tick in ticks:
        anchor = (
            "start"
            if tick == first and first != last
            else ("end" if tick == last and first != last else "middle")
        )
        parts.append(
            f'<text x="{x(tick):.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="13" '
            f'fill="{SOFT}">{escape(_short_date(tick))}</text>'
        )

    def polyline(values: list[tuple[date, float]], colour: str, dash: str | None) -> str:
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in values)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.2" '
            f'stroke-linejoin="round" stroke-linecap="round"{dash_attr}/>'
        )

    fatigue = [(p.day, p.fatigue_avg) for p in points if p.fatigue_avg is not None]
    if len(fatigue) > 1:
        parts.append(polyline(fatigue, FATIGUE, "6 4"))
    pain = [(p.day, p.pain_avg) for p in points]
    if len(pain) > 1:
        parts.append(polyline(pain, PAIN, None))
    if len(points) <= 31:
        for p in points:
            parts.append(
                f'<circle cx="{x(p.day):.1f}" cy="{y(p.pain_avg):.1f}" r="2.6" fill="{PAIN}"/>'
            )
    elif len(pain) == 1:
        parts.append(
            f'<circle cx="{x(pain[0][0]):.1f}" cy="{y(pain[0][1]):.1f}" r="3" fill="{PAIN}"/>'
        )

    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()  # nosec B704


# The body map: two small outlines, front and back, with the 19 index areas as shapes.
# Coordinates are in a 100 x 200 box per figure. The front view faces the reader, so the
# patient's right is on the reader's left; the back view shows the patient's left on the left.
_FRONT_SHAPES = {
    "jaw_right": ("ellipse", 44, 31, 5, 3.5),
    "jaw_left": ("ellipse", 56, 31, 5, 3.5),
    "chest": ("rect", 37, 44, 26, 22),
    "abdomen": ("rect", 38, 68, 24, 24),
    "upper_arm_right": ("rect", 25, 44, 10, 30),
    "upper_arm_left": ("rect", 65, 44, 10, 30),
    "lower_arm_right": ("rect", 21, 77, 10, 30),
    "lower_arm_left": ("rect", 69, 77, 10, 30),
    "upper_leg_right": ("rect", 37, 100, 12, 42),
    "upper_leg_left": ("rect", 51, 100, 12, 42),
    "lower_leg_right": ("rect", 38, 146, 11, 44),
    "lower_leg_left": ("rect", 51, 146, 11, 44),
}
_BACK_SHAPES = {
    "neck": ("rect", 45, 31, 10, 10),
    "shoulder_left": ("rect", 26, 42, 17, 11),
    "shoulder_right": ("rect", 57, 42, 17, 11),
    "upper_back": ("rect", 38, 45, 24, 24),
    "lower_back": ("rect", 38, 71, 24, 20),
    "hip_left": ("rect", 36, 93, 13, 17),
    "hip_right": ("rect", 51, 93, 13, 17),
}
#: The faint silhouette parts that are not index areas (head, hands, feet, limbs on the back).
_FRONT_OUTLINE = (("ellipse", 50, 18, 10, 13), ("rect", 45, 32, 10, 10))
_BACK_OUTLINE = (
    ("ellipse", 50, 18, 10, 13),
    ("rect", 25, 55, 10, 50),
    ("rect", 65, 55, 10, 50),
    ("rect", 37, 112, 12, 78),
    ("rect", 51, 112, 12, 78),
)


def shade(count: int, most: int) -> str:
    """The fill for an area marked `count` times when the most-marked area has `most`."""
    if count <= 0 or most <= 0:
        return SHADES[0]
    step = min(4, 1 + int(4 * count / most - 1e-9))
    return SHADES[step]


def _shape(kind: str, *geometry: float, fill: str, stroke: str, extra: str = "") -> str:
    if kind == "ellipse":
        cx, cy, rx, ry = geometry
        return (
            f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1"{extra}'
        )
    x, y, w, h = geometry
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="1"{extra}'
    )


def body_map(area_counts: Mapping[str, int], entries: int, id_prefix: str = "vp-body") -> Markup:
    """Front and back outlines, each index area shaded by how many entries marked it."""
    if entries <= 0:
        return Markup("")
    most = max(area_counts.values(), default=0)
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    marked = sorted(area_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    description = "; ".join(
        _("%(area)s: %(n)d of %(total)d entries", area=AREA_BY_KEY[k].label, n=n, total=entries)
        for k, n in marked
        if k in AREA_BY_KEY
    ) or _("No body areas marked.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-map" viewBox="0 0 230 222" '
        f'width="230" height="222" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT}">',
        f'<title id="{title_id}">{escape(_("Where it hurt, by how many entries"))}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for offset, caption, shapes, outline, side_letters in (
        (0, _("Front"), _FRONT_SHAPES, _FRONT_OUTLINE, ("R", "L")),
        (120, _("Back"), _BACK_SHAPES, _BACK_OUTLINE, ("L", "R")),
    ):
        parts.append(f'<g transform="translate({offset} 0)">')
        for kind, *geometry in outline:
            parts.append(_shape(kind, *geometry, fill="#f4f6f5", stroke="#c5ccc9") + "/>")
        for key, (kind, *geometry) in shapes.items():
            count = area_counts.get(key, 0)
            name = escape(
                _(
                    "%(area)s: %(n)d of %(total)d entries",
                    area=AREA_BY_KEY[key].label,
                    n=count,
                    total=entries,
                )
            )
            parts.append(
                _shape(kind, *geometry, fill=shade(count, most), stroke="#5b6b66")
                + f"><title>{name}</title></{kind}>"
            )
        parts.append(
            f'<text x="14" y="60" font-size="10" fill="{SOFT}">{side_letters[0]}</text>'
            f'<text x="82" y="60" font-size="10" fill="{SOFT}">{side_letters[1]}</text>'
            f'<text x="50" y="210" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{escape(caption)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()  # nosec B704
