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

from content.body import AREA_BY_KEY, MAP_OUTLINE, MAP_VIEWS
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


# The body map: front and back, the shapes of content.body (one drawing for every map).


def shade(count: int, most: int) -> str:
    """The fill for an area marked `count` times when the most-marked area has `most`."""
    if count <= 0 or most <= 0:
        return SHADES[0]
    step = min(4, 1 + int(4 * count / most - 1e-9))
    return SHADES[step]


def _shape(kind: str, *geometry: float, fill: str | None = None, extra: str = "") -> str:
    """One shape, open (the caller closes it); stroke and its width (SVG's default, 1) come
    from the group around it, and the fill too when `fill` is None."""
    paint = f' fill="{fill}"' if fill else ""
    if kind == "ellipse":
        cx, cy, rx, ry = geometry
        return f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"{paint}{extra}'
    x, y, w, h = geometry
    return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="3"{paint}{extra}'


def _figures(fill_of, stroke: str, attrs_of, inner_of, ink: str) -> list[str]:
    """Both views side by side in a 158 x 212 box: each area's shapes, then the words.

    `fill_of`, `attrs_of` and `inner_of` take an area key and give its fill (None: white,
    from the group, for a map whose style sheet shades what is ticked), its extra
    attributes (already escaped) and what goes inside each of its shapes (escaped).
    """
    parts = []
    for offset, (_view, caption, shapes, sides) in zip((-12, 70), MAP_VIEWS, strict=True):
        parts.append(f'<g transform="translate({offset} 0)">'
                     '<g fill="#f4f6f5" stroke="#c5ccc9">')
        for kind, *geometry in MAP_OUTLINE:
            parts.append(_shape(kind, *geometry) + "/>")
        parts.append(f'</g><g fill="#ffffff" stroke="{stroke}">')
        for key, area_shapes in shapes.items():
            for kind, *geometry in area_shapes:
                parts.append(_shape(kind, *geometry, fill=fill_of(key), extra=attrs_of(key))
                             + f">{inner_of(key)}</{kind}>")
        parts.append(
            f'</g><text x="13" y="7" font-size="5.5" fill="{ink}">{escape(sides[0])}</text>'
            f'<text x="87" y="7" font-size="5.5" text-anchor="end" fill="{ink}">'
            f"{escape(sides[1])}</text>"
            f'<text x="50" y="209" font-size="10" text-anchor="middle" fill="{ink}">'
            f"{escape(caption)}</text></g>"
        )
    return parts


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

    def name(key: str) -> str:
        words = _("%(area)s: %(n)d of %(total)d entries", area=AREA_BY_KEY[key].label,
                  n=area_counts.get(key, 0), total=entries)
        return f"<title>{escape(words)}</title>"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="body-map" viewBox="0 0 158 212" '
        f'width="158" height="212" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT}">',
        f'<title id="{title_id}">{escape(_("Where it hurt, by how many entries"))}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        *_figures(lambda key: shade(area_counts.get(key, 0), most), "#5b6b66",
                  lambda key: "", name, SOFT),
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()  # nosec B704


def touch_map(ticked: set[str] | frozenset[str]) -> Markup:
    """The map a patient taps: each area a shape that stands for its tick-box.

    Hidden from assistive technology: the labelled tick-boxes beside it are the form, and
    a line of words names what is ticked. The page's script shows the map and turns a tap
    into a tick; without the script the tick-boxes alone remain.
    """
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="touch-map" viewBox="0 0 158 212" '
        f'width="158" height="212" aria-hidden="true" focusable="false" font-family="{FONT}">',
        *_figures(lambda key: None, "#1d6b5f",
                  lambda key: f' data-area="{escape(key)}"'
                  + (' class="is-ticked"' if key in ticked else ""),
                  lambda key: "", INK),
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every text in parts went through escape()  # nosec B704
