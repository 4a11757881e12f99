"""The safety check: explicit yes/no questions for back-pain warning signs.

Each question has a level. An emergency "yes" shows the patient a "get help now"
message at once; every "yes" is shown to reception, highest level first.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models import FLAG_EMERGENCY, FLAG_TELL_DOCTOR, FLAG_URGENT

LEVEL_NAMES = {
    FLAG_EMERGENCY: "emergency",
    FLAG_URGENT: "urgent",
    FLAG_TELL_DOCTOR: "tell_doctor",
}
LEVEL_LABELS = {
    FLAG_EMERGENCY: _l("Emergency"),
    FLAG_URGENT: _l("Urgent, today"),
    FLAG_TELL_DOCTOR: _l("Tell the doctor"),
}


@dataclass(frozen=True)
class SafetyQuestion:
    key: str
    level: int
    #: What the patient is asked, answered yes or no.
    text: object
    #: A short line for staff (queue, summary red-flag box).
    staff_label: object


QUESTIONS: tuple[SafetyQuestion, ...] = (
    # Emergency: get help now.
    SafetyQuestion(
        "bladder",
        FLAG_EMERGENCY,
        _l("Do you have new trouble passing urine, or have you lost control of your bladder?"),
        _l("New trouble passing urine or loss of bladder control"),
    ),
    SafetyQuestion(
        "bowel",
        FLAG_EMERGENCY,
        _l("Have you lost control of your bowels?"),
        _l("Loss of bowel control"),
    ),
    SafetyQuestion(
        "saddle_numbness",
        FLAG_EMERGENCY,
        _l("Is there numbness around your genitals, buttocks or bottom?"),
        _l("Numbness around the genitals, buttocks or anus"),
    ),
    SafetyQuestion(
        "both_legs",
        FLAG_EMERGENCY,
        _l("Do both of your legs feel weak, numb or tingly?"),
        _l("Weakness, numbness or tingling in both legs"),
    ),
    SafetyQuestion(
        "leg_weakness_worse",
        FLAG_EMERGENCY,
        _l("Is weakness in a leg getting worse?"),
        _l("Leg weakness getting worse"),
    ),
    SafetyQuestion(
        "fall_injury",
        FLAG_EMERGENCY,
        _l("Did your back pain start after a bad fall or an accident?"),
        _l("Back pain after a serious fall or accident"),
    ),
    SafetyQuestion(
        "chest_pain",
        FLAG_EMERGENCY,
        _l("Do you have chest pain along with your back pain?"),
        _l("Back pain with chest pain"),
    ),
    # Urgent: contact the clinic or urgent care today.
    SafetyQuestion(
        "fever",
        FLAG_URGENT,
        _l("Do you have a fever or chills along with your back pain?"),
        _l("Fever or chills with back pain"),
    ),
    SafetyQuestion(
        "cancer_history",
        FLAG_URGENT,
        _l("Have you ever had cancer, and is this back pain new?"),
        _l("History of cancer with new back pain"),
    ),
    SafetyQuestion(
        "weight_loss",
        FLAG_URGENT,
        _l("Have you lost weight without trying?"),
        _l("Unexplained weight loss"),
    ),
    SafetyQuestion(
        "night_pain",
        FLAG_URGENT,
        _l("Is the pain worse at night or when you rest, and does it not ease?"),
        _l("Pain worse at night or at rest that does not ease"),
    ),
    SafetyQuestion(
        "steroids_bones",
        FLAG_URGENT,
        _l("Have you taken steroid medicine for a long time, or do you have thin bones "
           "(osteoporosis), and is this pain new?"),
        _l("Long-term steroids or osteoporosis with new pain"),
    ),
    SafetyQuestion(
        "new_numbness",
        FLAG_URGENT,
        _l("Have you had new numbness or tingling anywhere?"),
        _l("New numbness or tingling"),
    ),
    # Tell the doctor at the visit.
    SafetyQuestion(
        "walking",
        FLAG_TELL_DOCTOR,
        _l("Is it hard to walk or stand up because of the pain?"),
        _l("Difficulty walking or standing"),
    ),
    SafetyQuestion(
        "morning_stiffness",
        FLAG_TELL_DOCTOR,
        _l("Are you stiff in the morning for hours before it gets better?"),
        _l("Morning stiffness lasting hours"),
    ),
    SafetyQuestion(
        "spasms",
        FLAG_TELL_DOCTOR,
        _l("Do muscle spasms make it hard to move?"),
        _l("Spasms that make it hard to move"),
    ),
    SafetyQuestion(
        "touch",
        FLAG_TELL_DOCTOR,
        _l("Does your skin hurt when it is touched lightly?"),
        _l("Skin tender to light touch"),
    ),
    SafetyQuestion(
        "selfcare_failed",
        FLAG_TELL_DOCTOR,
        _l("Has the pain kept going even after rest, heat, cold or other self-care?"),
        _l("Pain continues after self-care"),
    ),
)

QUESTION_BY_KEY: dict[str, SafetyQuestion] = {q.key: q for q in QUESTIONS}
EMERGENCY_KEYS = frozenset(q.key for q in QUESTIONS if q.level == FLAG_EMERGENCY)
