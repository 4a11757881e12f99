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
    #: "front" or "back", for the drawn body map.
    side_of_body: str = "front"


AREAS: tuple[Area, ...] = (
    Area("jaw_left", _l("Left jaw"), None),
    Area("jaw_right", _l("Right jaw"), None),
    Area("neck", _l("Neck"), "axial", "back"),
    Area("shoulder_left", _l("Left shoulder"), "left_upper", "back"),
    Area("shoulder_right", _l("Right shoulder"), "right_upper", "back"),
    Area("upper_arm_left", _l("Left upper arm"), "left_upper"),
    Area("upper_arm_right", _l("Right upper arm"), "right_upper"),
    Area("lower_arm_left", _l("Left lower arm"), "left_upper"),
    Area("lower_arm_right", _l("Right lower arm"), "right_upper"),
    Area("chest", _l("Chest"), None),
    Area("abdomen", _l("Belly (abdomen)"), None),
    Area("upper_back", _l("Upper back"), "axial", "back"),
    Area("lower_back", _l("Lower back"), "axial", "back"),
    Area("hip_left", _l("Left hip or buttock"), "left_lower", "back"),
    Area("hip_right", _l("Right hip or buttock"), "right_lower", "back"),
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
