"""The 19 body areas of the Widespread Pain Index and the 5 regions of the 2016 criteria.

Keys are stored in packets (symptom log, body check); labels are what people read.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Area:
    key: str
    label: object
    #: One of REGIONS' keys, or None for jaw, chest and abdomen, which count
    #: toward the index but toward no region.
    region: str | None


AREAS: tuple[Area, ...] = (
    Area("jaw_left", _l("Left jaw"), None),
    Area("jaw_right", _l("Right jaw"), None),
    Area("neck", _l("Neck"), "axial"),
    Area("shoulder_left", _l("Left shoulder"), "left_upper"),
    Area("shoulder_right", _l("Right shoulder"), "right_upper"),
    Area("upper_arm_left", _l("Left upper arm"), "left_upper"),
    Area("upper_arm_right", _l("Right upper arm"), "right_upper"),
    Area("lower_arm_left", _l("Left lower arm"), "left_upper"),
    Area("lower_arm_right", _l("Right lower arm"), "right_upper"),
    Area("chest", _l("Chest"), None),
    Area("abdomen", _l("Belly (abdomen)"), None),
    Area("upper_back", _l("Upper back"), "axial"),
    Area("lower_back", _l("Lower back"), "axial"),
    Area("hip_left", _l("Left hip or buttock"), "left_lower"),
    Area("hip_right", _l("Right hip or buttock"), "right_lower"),
    Area("upper_leg_left", _l("Left upper leg"), "left_lower"),
    Area("upper_leg_right", _l("Right upper leg"), "right_lower"),
    Area("lower_leg_left", _l("Left lower leg"), "left_lower"),
    Area("lower_leg_right", _l("Right lower leg"), "right_lower"),
)

AREA_BY_KEY: dict[str, Area] = {area.key: area for area in AREAS}
AREA_KEYS: tuple[str, ...] = tuple(AREA_BY_KEY)

REGIONS: dict[str, object] = {
    "left_upper": _l("Left upper body"),
    "right_upper": _l("Right upper body"),
    "left_lower": _l("Left lower body"),
    "right_lower": _l("Right lower body"),
    "axial": _l("Neck and back"),
}

#: The symptom severity items scored 0-3, with the words patients read.
SSS_ITEMS: dict[str, object] = {
    "fatigue": _l("Tiredness"),
    "unrefreshed": _l("Waking up still tired"),
    "cognitive": _l("Trouble thinking or remembering"),
}

#: The yes/no items worth one point each (past 6 months).
SSS_EXTRAS: dict[str, object] = {
    "headaches": _l("Headaches"),
    "lower_abdomen": _l("Pain or cramps in the lower belly"),
    "depression": _l("Feeling depressed"),
}

# The drawn body map -------------------------------------------------------------------
# One drawing for every map: the patient's map they tap (log entry, body check) and the
# shaded map on the staff summary. Each figure sits in a 100 x 200 box. The front view faces
# the reader, so the patient's right is on the reader's left; the back view shows the
# patient's left on the left. An area may stand in both views (an arm, a leg, a shoulder):
# both shapes are the same area. Shapes are ("rect", x, y, width, height) or
# ("ellipse", cx, cy, rx, ry), drawn large so a finger finds them.

Shape = tuple  # ("rect" | "ellipse", four numbers)

MAP_FRONT: dict[str, tuple[Shape, ...]] = {
    "jaw_right": (("rect", 38, 19, 11.5, 11),),
    "jaw_left": (("rect", 50.5, 19, 11.5, 11),),
    "neck": (("rect", 43, 31, 14, 7),),
    "shoulder_right": (("rect", 19, 39, 16, 11),),
    "shoulder_left": (("rect", 65, 39, 16, 11),),
    "chest": (("rect", 36, 39, 28, 25),),
    "abdomen": (("rect", 36, 65, 28, 23),),
    "upper_arm_right": (("rect", 19, 51, 14, 27),),
    "upper_arm_left": (("rect", 67, 51, 14, 27),),
    "lower_arm_right": (("rect", 16, 79, 14, 28),),
    "lower_arm_left": (("rect", 70, 79, 14, 28),),
    "hip_right": (("rect", 36, 89, 13.5, 15),),
    "hip_left": (("rect", 50.5, 89, 13.5, 15),),
    "upper_leg_right": (("rect", 36, 105, 13.5, 40),),
    "upper_leg_left": (("rect", 50.5, 105, 13.5, 40),),
    "lower_leg_right": (("rect", 37, 146, 12.5, 42),),
    "lower_leg_left": (("rect", 50.5, 146, 12.5, 42),),
}
MAP_BACK: dict[str, tuple[Shape, ...]] = {
    "neck": (("rect", 42, 28, 16, 10),),
    "shoulder_left": (("rect", 19, 39, 17, 12),),
    "shoulder_right": (("rect", 64, 39, 17, 12),),
    "upper_back": (("rect", 37, 39, 26, 25),),
    "lower_back": (("rect", 36, 65, 28, 22),),
    "upper_arm_left": (("rect", 19, 52, 14, 26),),
    "upper_arm_right": (("rect", 67, 52, 14, 26),),
    "lower_arm_left": (("rect", 16, 79, 14, 28),),
    "lower_arm_right": (("rect", 70, 79, 14, 28),),
    "hip_left": (("rect", 36, 88, 13.5, 17),),
    "hip_right": (("rect", 50.5, 88, 13.5, 17),),
    "upper_leg_left": (("rect", 36, 106, 13.5, 39),),
    "upper_leg_right": (("rect", 50.5, 106, 13.5, 39),),
    "lower_leg_left": (("rect", 37, 146, 12.5, 42),),
    "lower_leg_right": (("rect", 50.5, 146, 12.5, 42),),
}
#: The parts of the outline that are no area: the head, hands and feet.
MAP_OUTLINE: tuple[Shape, ...] = (
    ("ellipse", 50, 16, 12, 14),
    ("ellipse", 23, 111, 5, 5), ("ellipse", 77, 111, 5, 5),
    ("ellipse", 43, 193, 6, 4), ("ellipse", 57, 193, 6, 4),
)
#: (view, caption, shapes, which side of the patient is on the reader's left and right).
MAP_VIEWS = (
    ("front", _l("From the front"), MAP_FRONT, (_l("Right"), _l("Left"))),
    ("back", _l("From the back"), MAP_BACK, (_l("Left"), _l("Right"))),
)
