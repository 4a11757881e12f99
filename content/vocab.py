"""Fixed vocabularies for the patient's forms and the visit summary.

Each vocabulary is a tuple of ``(key, label)`` pairs in display order, ready
for WTForms ``choices``. Keys are stored in the database and in exports, so
they are stable: never rename or reuse one. Labels are lazy gettext strings,
kept short enough for a phone screen.

Look a label up with ``label(CONDITIONS, "lupus")``, by vocabulary name with
``label("conditions", "lupus")``, or through the ``LABELS`` dicts. An unknown
key comes back unchanged, so old or hand-edited data still shows something.

``MEDICATION_CLASSES`` holds ``MedClass`` items (key, label, hint);
``MEDICATION_CLASS_CHOICES`` is the same list as ``(key, label)`` pairs.
``SSS_LEVELS`` uses the integer scores 0-3 as keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

Choices = tuple[tuple[Any, LazyString], ...]


@dataclass(frozen=True)
class MedClass:
    """A kind of medicine, with a short hint to help the patient place theirs."""

    key: str
    label: LazyString | str
    hint: LazyString | str


# "Ask yourself why you want to see a doctor" prompts (About the visit).
REASON_PROMPTS: Choices = (
    ("unusual_pain", _l("I have pain that is new or unusual for me")),
    ("pain_worse", _l("My pain is getting worse")),
    ("stress_anxiety", _l("I feel stressed or anxious")),
    ("affects_work", _l("My symptoms make it hard to work")),
    ("affects_daily_life", _l("My symptoms get in the way of daily life")),
    ("affects_enjoyment", _l("I can't enjoy the things I like to do")),
    ("new_symptoms", _l("I have new symptoms")),
    ("poor_sleep", _l("I am not sleeping well")),
    ("tired", _l("I feel tired most of the time")),
    ("review_treatment", _l("I want to review my treatment")),
    ("medication_questions", _l("I have questions about my medicines")),
    ("second_opinion", _l("I want a second opinion")),
    ("other", _l("Something else")),
)

# Health conditions (Medical history).
CONDITIONS: Choices = (
    ("lupus", _l("Lupus")),
    ("depression", _l("Depression")),
    ("chronic_fatigue_syndrome", _l("Chronic fatigue syndrome (CFS)")),
    ("cancer", _l("Cancer")),
    ("anxiety", _l("Anxiety")),
    ("irritable_bowel_syndrome", _l("Irritable bowel syndrome (IBS)")),
    ("sleep_problems", _l("Sleep problems")),
    ("arthritis", _l("Arthritis")),
    ("migraine", _l("Migraine")),
    ("osteoporosis", _l("Osteoporosis (thin bones)")),
    ("diabetes", _l("Diabetes")),
    ("high_blood_pressure", _l("High blood pressure")),
)

# Kinds of history item; the labels are list headings.
HISTORY_KINDS: Choices = (
    ("condition", _l("Health conditions")),
    ("test", _l("Tests and scans")),
    ("surgery_injury", _l("Surgeries and injuries")),
    ("allergy", _l("Allergies")),
)

# Tests and imaging already done.
TEST_KINDS: Choices = (
    ("xray", _l("X-ray")),
    ("mri", _l("MRI scan")),
    ("ct", _l("CT scan")),
    ("blood", _l("Blood test")),
    ("nerve_test", _l("Nerve test")),
    ("bone_scan", _l("Bone scan")),
    ("other", _l("Other test")),
)

FAMILY_HISTORY_QUESTION = _l("Has anyone in your family had fibromyalgia?")

FAMILY_HISTORY: Choices = (
    ("yes", _l("Yes")),
    ("no", _l("No")),
    ("unsure", _l("I'm not sure")),
)

# Kinds of medicine. Hints name common examples only; they are not advice.
MEDICATION_CLASSES: tuple[MedClass, ...] = (
    MedClass(
        "nsaid", _l("Anti-inflammatory (NSAID)"), _l("Such as ibuprofen or naproxen")
    ),
    MedClass(
        "corticosteroid",
        _l("Steroid (corticosteroid)"),
        _l("Such as prednisone, or a steroid shot"),
    ),
    MedClass(
        "muscle_relaxant",
        _l("Muscle relaxant"),
        _l("Such as cyclobenzaprine or tizanidine"),
    ),
    MedClass(
        "tricyclic",
        _l("Tricyclic antidepressant"),
        _l("Such as amitriptyline or nortriptyline"),
    ),
    MedClass("ssri", _l("SSRI antidepressant"), _l("Such as fluoxetine or sertraline")),
    MedClass(
        "snri", _l("SNRI antidepressant"), _l("Such as duloxetine or milnacipran")
    ),
    MedClass(
        "antiseizure",
        _l("Anti-seizure medicine"),
        _l("Such as pregabalin or gabapentin"),
    ),
    MedClass("opioid", _l("Opioid pain medicine"), _l("Such as tramadol or oxycodone")),
    MedClass("sleep_aid", _l("Sleep medicine"), _l("Prescribed or bought at a store")),
    MedClass("other", _l("Other medicine"), _l("Anything else, such as vitamins")),
    MedClass("unsure", _l("I'm not sure"), _l("That's okay. Just write the name.")),
)

MEDICATION_CLASS_BY_KEY: dict[str, MedClass] = {m.key: m for m in MEDICATION_CLASSES}
MEDICATION_CLASS_CHOICES: Choices = tuple((m.key, m.label) for m in MEDICATION_CLASSES)

# How often a medicine is taken.
FREQUENCIES: Choices = (
    ("once_day", _l("Once a day")),
    ("twice_day", _l("Twice a day")),
    ("three_times_day", _l("3 times a day")),
    ("four_times_day", _l("4 times a day")),
    ("at_bedtime", _l("At bedtime")),
    ("as_needed", _l("Only when needed")),
    ("weekly", _l("Once a week")),
    ("other", _l("Other")),
)

# Treatments tried.
TREATMENTS: Choices = (
    ("physical_therapy", _l("Physical therapy")),
    ("massage", _l("Massage")),
    ("acupuncture", _l("Acupuncture")),
    ("yoga", _l("Yoga")),
    ("tai_chi", _l("Tai chi")),
    ("meditation", _l("Meditation")),
    ("heat", _l("Heat (heating pad, warm bath)")),
    ("cold", _l("Cold (ice pack)")),
    ("swimming", _l("Swimming or water exercise")),
    ("stretching", _l("Stretching")),
    ("strength_exercise", _l("Strength exercises")),
    ("walking", _l("Walking")),
    ("diet_changes", _l("Changes to what I eat")),
    ("counselling_cbt", _l("Counseling or CBT")),
    ("breathing_relaxation", _l("Breathing or relaxation")),
    ("journaling", _l("Journaling or writing")),
    ("electrical_stimulation", _l("Electrical stimulation (TENS)")),
    ("injections", _l("Injections (shots)")),
    ("chiropractic", _l("Chiropractic care")),
    ("other", _l("Other")),
)

# How much a treatment helped.
TREATMENT_EFFECTS: Choices = (
    ("helped", _l("It helped")),
    ("no_change", _l("No change")),
    ("worse", _l("It made things worse")),
    ("unsure", _l("I'm not sure")),
)

# What the pain feels like.
PAIN_QUALITIES: Choices = (
    ("deep_ache", _l("Deep ache")),
    ("sharp", _l("Sharp")),
    ("burning", _l("Burning")),
    ("stabbing", _l("Stabbing")),
    ("throbbing", _l("Throbbing")),
    ("shooting", _l("Shooting")),
    ("tingling", _l("Tingling or pins and needles")),
    ("stiff", _l("Stiff or tight")),
    ("tender_to_touch", _l("Sore to a light touch")),
    ("other", _l("Other")),
)

# What made it worse.
TRIGGERS: Choices = (
    ("sitting", _l("Sitting")),
    ("lying_down", _l("Lying down")),
    ("standing", _l("Standing")),
    ("stairs", _l("Climbing stairs")),
    ("activity", _l("Being active")),
    ("lifting", _l("Lifting")),
    ("cold_weather", _l("Cold weather")),
    ("stress", _l("Stress")),
    ("poor_sleep", _l("Poor sleep")),
    ("long_day", _l("A long or busy day")),
    ("other", _l("Other")),
)

# What helped.
RELIEFS: Choices = (
    ("rest", _l("Rest")),
    ("heat", _l("Heat")),
    ("cold", _l("Cold")),
    ("stretching", _l("Stretching")),
    ("gentle_movement", _l("Gentle movement")),
    ("medication", _l("Medicine")),
    ("massage", _l("Massage")),
    ("warm_bath", _l("Warm bath or shower")),
    ("meditation", _l("Meditation or breathing")),
    ("distraction", _l("Keeping my mind busy")),
    ("nothing", _l("Nothing helped")),
    ("other", _l("Other")),
)

MOODS: Choices = (
    ("good", _l("Good")),
    ("okay", _l("Okay")),
    ("low", _l("Low or down")),
    ("anxious", _l("Worried or anxious")),
    ("irritable", _l("Irritable or on edge")),
)

# Words at the two ends of the 0-10 scales (low = 0, high = 10).
PAIN_SCALE_WORDS: dict[str, LazyString] = {
    "low": _l("No pain"),
    "high": _l("Worst pain you can imagine"),
}
FATIGUE_SCALE_WORDS: dict[str, LazyString] = {
    "low": _l("No tiredness"),
    "high": _l("Worst tiredness you can imagine"),
}

# Symptom Severity items (past week), scored 0-3. Keys are the scores.
SSS_LEVELS: Choices = (
    (0, _l("None")),
    (1, _l("Slight or mild")),
    (2, _l("Moderate")),
    (3, _l("Severe, all the time")),
)

#: Every (key, label) vocabulary by name, as a dict from key to label.
LABELS: dict[str, dict[Any, LazyString]] = {
    "reason_prompts": dict(REASON_PROMPTS),
    "conditions": dict(CONDITIONS),
    "history_kinds": dict(HISTORY_KINDS),
    "test_kinds": dict(TEST_KINDS),
    "family_history": dict(FAMILY_HISTORY),
    "medication_classes": dict(MEDICATION_CLASS_CHOICES),
    "frequencies": dict(FREQUENCIES),
    "treatments": dict(TREATMENTS),
    "treatment_effects": dict(TREATMENT_EFFECTS),
    "pain_qualities": dict(PAIN_QUALITIES),
    "triggers": dict(TRIGGERS),
    "reliefs": dict(RELIEFS),
    "moods": dict(MOODS),
    "sss_levels": dict(SSS_LEVELS),
}


def _as_mapping(vocab: str | Mapping[Any, Any] | Iterable[Any]) -> Mapping[Any, Any]:
    if isinstance(vocab, str):
        return LABELS.get(vocab, {})
    if isinstance(vocab, Mapping):
        return vocab
    out: dict[Any, Any] = {}
    for item in vocab:
        if isinstance(item, MedClass):
            out[item.key] = item.label
        else:
            key, text = item
            out[key] = text
    return out


def label(vocab: str | Mapping[Any, Any] | Iterable[Any], key: Any) -> Any:
    """The label for ``key`` in ``vocab``, or ``key`` itself when unknown.

    ``vocab`` is a vocabulary tuple from this module (pairs or ``MedClass``
    items), a dict from key to label, or a name from ``LABELS``.
    """
    return _as_mapping(vocab).get(key, key)


def keys(vocab: str | Mapping[Any, Any] | Iterable[Any]) -> tuple[Any, ...]:
    """The keys of ``vocab`` in display order (for validating form input)."""
    return tuple(_as_mapping(vocab))


_HISTORY_NAME_VOCAB = {"condition": "conditions", "test": "test_kinds"}


def history_name(kind: str, name: str, test_kind: str | None = None) -> str:
    """A history line's name in words: a listed key's label, and a test's kind beside the
    name the patient wrote ("X-ray: lower back")."""
    text = str(label(_HISTORY_NAME_VOCAB.get(kind, {}), name))
    if kind == "test" and test_kind:
        return f"{label('test_kinds', test_kind)}: {text}"
    return text
