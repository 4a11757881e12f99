"""The safety check: explicit yes/no questions for back-pain warning signs.

Each question asks one thing and has a level. A "yes" shows the patient the message of
its level at once (emergency: get help now; urgent: contact the clinic today; tell the
doctor: it will be on the summary); every "yes" is shown to reception, highest level
first, and an emergency or urgent one opens a safety call (services/safety_calls.py).

Some warning signs are two facts together ("history of cancer" *with* "new back pain").
Those questions name the other one in `with_key`: both "yes" raise the full level; the
first alone is still worth telling the doctor (`alone_label`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models import FLAG_EMERGENCY, FLAG_NONE, FLAG_TELL_DOCTOR, FLAG_URGENT

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
    #: Another question that must also be "yes" for the full level (see the docstring).
    with_key: str | None = None
    #: The staff line when this is "yes" without `with_key` (a tell-the-doctor flag).
    alone_label: object = None


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
        _l("Is the skin around your anus (back passage), your genitals or your buttocks "
           "numb?"),
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
        "pain_new",
        FLAG_NONE,
        _l("Did this back pain start in the last 6 weeks?"),
        _l("Back pain that started in the last 6 weeks"),
    ),
    SafetyQuestion(
        "cancer_ever",
        FLAG_URGENT,
        _l("Have you ever had cancer?"),
        _l("History of cancer with new back pain"),
        with_key="pain_new",
        alone_label=_l("History of cancer"),
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
        _l("Is your pain worse at night or when you rest?"),
        _l("Pain worse at night or at rest"),
    ),
    SafetyQuestion(
        "steroids_long",
        FLAG_URGENT,
        _l("Have you taken steroid medicine, like prednisone, for 3 months or more?"),
        _l("Long-term steroid use with new back pain"),
        with_key="pain_new",
        alone_label=_l("Long-term steroid use"),
    ),
    SafetyQuestion(
        "thin_bones",
        FLAG_URGENT,
        _l("Has a doctor told you that you have thin bones (osteoporosis)?"),
        _l("Osteoporosis with new back pain"),
        with_key="pain_new",
        alone_label=_l("Osteoporosis"),
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

#: Questions no longer asked, whose stored answers still raise their flag (packets
#: answered before each of them was split into questions that ask one thing).
RETIRED: tuple[SafetyQuestion, ...] = (
    SafetyQuestion(
        "cancer_history",
        FLAG_URGENT,
        _l("Have you ever had cancer, and is this back pain new?"),
        _l("History of cancer with new back pain"),
    ),
    SafetyQuestion(
        "steroids_bones",
        FLAG_URGENT,
        _l("Have you taken steroid medicine for a long time, or do you have thin bones "
           "(osteoporosis), and is this pain new?"),
        _l("Long-term steroids or osteoporosis with new pain"),
    ),
)

QUESTION_BY_KEY: dict[str, SafetyQuestion] = {q.key: q for q in QUESTIONS}
EMERGENCY_KEYS = frozenset(q.key for q in QUESTIONS if q.level == FLAG_EMERGENCY)
