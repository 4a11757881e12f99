"""The built-in question bank: topics, questions and suggestion templates.

Every user-facing string is a lazy gettext string (``_l``), so it is translated
when it is rendered, not when this module is imported. The question keys are
stable ids: a clinic's own question bank is seeded from them and packets store
them, so never rename or reuse a key. To retire a question, hide it in the
clinic's bank instead of deleting it here.

Questions are written as the patient would ask them, in plain words. They must
never give medical advice or suggest a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Topic:
    """A group of questions, shown under one heading."""

    key: str
    title: LazyString | str
    blurb: LazyString | str  # one short line under the heading


@dataclass(frozen=True)
class BankQuestion:
    """One built-in question. ``topic`` is a ``Topic.key``."""

    key: str
    topic: str
    text: LazyString | str


TOPICS: tuple[Topic, ...] = (
    Topic("exam", _l("The exam"), _l("What happens when the doctor checks you.")),
    Topic(
        "tests",
        _l("Tests and scans"),
        _l("X-rays, MRI scans, blood tests and results."),
    ),
    Topic(
        "treatment",
        _l("Treatment options"),
        _l("Your choices, what to expect and side effects."),
    ),
    Topic("medications", _l("Medicines"), _l("Medicines you take now or might try.")),
    Topic(
        "therapy_selfcare",
        _l("Physical therapy and self-care"),
        _l("Therapy, exercise and things you can do at home."),
    ),
    Topic(
        "doctor",
        _l("About the doctor"),
        _l("The doctor's training and work with fibromyalgia."),
    ),
    Topic(
        "costs",
        _l("Costs and insurance"),
        _l("Copays, deductibles, coinsurance and what is covered."),
    ),
    Topic(
        "followup",
        _l("Follow-up"),
        _l("Next steps, and what to do if things get worse."),
    ),
)


def _q(key: str, topic: str, text: LazyString) -> BankQuestion:
    return BankQuestion(key=key, topic=topic, text=text)


QUESTIONS: tuple[BankQuestion, ...] = (
    # The exam
    _q("exam_what_happens", "exam", _l("What will happen during the exam today?")),
    _q(
        "exam_tender_spots",
        "exam",
        _l("Will you press on sore spots to find where it hurts?"),
    ),
    _q("exam_how_long", "exam", _l("How long will the exam take?")),
    _q("exam_gown", "exam", _l("Will I need to change into a gown?")),
    _q(
        "exam_can_stop",
        "exam",
        _l("Can I ask you to stop if something hurts too much?"),
    ),
    _q(
        "exam_looking_for",
        "exam",
        _l("What are you checking for when you look at my back?"),
    ),
    _q(
        "exam_support_person",
        "exam",
        _l("Can someone I trust stay in the room with me?"),
    ),
    _q("exam_findings", "exam", _l("Will you tell me what you found before I leave?")),
    # Tests and scans
    _q(
        "tests_need_any",
        "tests",
        _l("Do I need any tests to learn more about my pain?"),
    ),
    _q("tests_xray", "tests", _l("Why would I need an x-ray, and what could it show?")),
    _q("tests_mri", "tests", _l("Would an MRI help? What is it like to have one?")),
    _q("tests_blood", "tests", _l("What would blood tests check for?")),
    _q(
        "tests_other_causes",
        "tests",
        _l("Could a test help find or rule out other causes of my pain?"),
    ),
    _q(
        "tests_prepare",
        "tests",
        _l("Do I need to do anything to get ready for a test?"),
    ),
    _q("tests_results", "tests", _l("When and how will I get my test results?")),
    _q(
        "tests_past",
        "tests",
        _l("Can you look at the tests and scans I have already had?"),
    ),
    # Treatment options
    _q("treatment_options", "treatment", _l("What treatment choices do I have?")),
    _q("treatment_goal", "treatment", _l("What can I expect treatment to help with?")),
    _q(
        "treatment_side_effects",
        "treatment",
        _l("What side effects can each choice have?"),
    ),
    _q(
        "treatment_time_to_work",
        "treatment",
        _l("How long before I might notice a change?"),
    ),
    _q(
        "treatment_combine",
        "treatment",
        _l("Can I use more than one kind of treatment at the same time?"),
    ),
    _q(
        "treatment_injections",
        "treatment",
        _l("Would shots or injections be a choice for me?"),
    ),
    _q(
        "treatment_no_help",
        "treatment",
        _l("What is the plan if this treatment does not help?"),
    ),
    _q(
        "treatment_written_plan",
        "treatment",
        _l("Can you write down my treatment plan for me?"),
    ),
    # Medicines
    _q(
        "medications_could_help",
        "medications",
        _l("Is there a medicine that might help with my pain?"),
    ),
    _q(
        "medications_sleep_mood",
        "medications",
        _l("Could a medicine also help my sleep or my mood?"),
    ),
    _q(
        "medications_side_effects",
        "medications",
        _l("What side effects should I look out for?"),
    ),
    _q(
        "medications_drowsy",
        "medications",
        _l("Could this medicine make me sleepy? Is it safe to drive?"),
    ),
    _q(
        "medications_how_long",
        "medications",
        _l("How long should I take it, and how will we know if it works?"),
    ),
    _q(
        "medications_mixing",
        "medications",
        _l("Is it safe to take this with my other medicines and vitamins?"),
    ),
    _q(
        "medications_over_counter",
        "medications",
        _l("Can I take pain relievers I buy at the store? For how long?"),
    ),
    _q(
        "medications_stopping",
        "medications",
        _l("What should I do if I want to stop taking a medicine?"),
    ),
    _q(
        "medications_missed_dose",
        "medications",
        _l("What should I do if I miss a dose?"),
    ),
    # Physical therapy and self-care
    _q(
        "therapy_selfcare_physical_therapy",
        "therapy_selfcare",
        _l("Would physical therapy help me? What would it involve?"),
    ),
    _q(
        "therapy_selfcare_exercise",
        "therapy_selfcare",
        _l("What kind of exercise is safe for me, and how much?"),
    ),
    _q(
        "therapy_selfcare_stretching",
        "therapy_selfcare",
        _l("Can you show me some stretches I can do at home?"),
    ),
    _q(
        "therapy_selfcare_heat_cold",
        "therapy_selfcare",
        _l("Should I use heat or cold on my back? For how long each time?"),
    ),
    _q(
        "therapy_selfcare_massage_acupuncture",
        "therapy_selfcare",
        _l("Could massage or acupuncture help me?"),
    ),
    _q(
        "therapy_selfcare_yoga",
        "therapy_selfcare",
        _l("Would yoga, tai chi or swimming be a good idea for me?"),
    ),
    _q(
        "therapy_selfcare_diet",
        "therapy_selfcare",
        _l("Could changes to what I eat or drink help?"),
    ),
    _q(
        "therapy_selfcare_stress",
        "therapy_selfcare",
        _l("What can I do to handle stress better?"),
    ),
    _q(
        "therapy_selfcare_sleep",
        "therapy_selfcare",
        _l("What can I do to sleep better?"),
    ),
    _q(
        "therapy_selfcare_flare",
        "therapy_selfcare",
        _l("What can I do at home when my pain flares up?"),
    ),
    # About the doctor
    _q(
        "doctor_experience",
        "doctor",
        _l("How often do you treat people with fibromyalgia?"),
    ),
    _q(
        "doctor_training",
        "doctor",
        _l("What is your training? Are you board certified?"),
    ),
    _q("doctor_back_pain", "doctor", _l("Do you often treat back pain like mine?")),
    _q(
        "doctor_team",
        "doctor",
        _l("Will other people help with my care, like a physical therapist?"),
    ),
    _q(
        "doctor_specialist",
        "doctor",
        _l("Should I also see a specialist? Who would you suggest?"),
    ),
    _q("doctor_same_doctor", "doctor", _l("Will I see you at each visit?")),
    _q(
        "doctor_contact",
        "doctor",
        _l("How can I reach you or your team between visits?"),
    ),
    # Costs and insurance
    _q("costs_covered", "costs", _l("Will my insurance cover this visit?")),
    _q("costs_copay", "costs", _l("Will I have a copay today? How much will it be?")),
    _q(
        "costs_deductible",
        "costs",
        _l("Do I need to meet my deductible before my insurance pays?"),
    ),
    _q(
        "costs_coinsurance",
        "costs",
        _l("Will I owe coinsurance for tests or treatment?"),
    ),
    _q("costs_tests", "costs", _l("About how much will any tests cost me?")),
    _q(
        "costs_therapy",
        "costs",
        _l("Does my plan pay for physical therapy, massage or acupuncture?"),
    ),
    _q(
        "costs_lower_cost",
        "costs",
        _l("Is there a lower-cost choice that could work too?"),
    ),
    _q(
        "costs_who_to_ask", "costs", _l("Who can I talk to about my bill or insurance?")
    ),
    # Follow-up
    _q("followup_next_visit", "followup", _l("When should I come back?")),
    _q("followup_worse", "followup", _l("What should I do if my pain gets worse?")),
    _q(
        "followup_call_when",
        "followup",
        _l("Which signs mean I should call you right away?"),
    ),
    _q("followup_emergency", "followup", _l("When should I go to the emergency room?")),
    _q(
        "followup_new_symptoms",
        "followup",
        _l("What should I do if I get new symptoms, like numbness or tingling?"),
    ),
    _q(
        "followup_track",
        "followup",
        _l("What should I keep track of before my next visit?"),
    ),
    _q(
        "followup_questions",
        "followup",
        _l("Who can I ask if I have questions after today?"),
    ),
    _q(
        "followup_progress",
        "followup",
        _l("How will we know if things are getting better?"),
    ),
)

TOPIC_BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}
QUESTION_BY_KEY: dict[str, BankQuestion] = {q.key: q for q in QUESTIONS}


def questions_for(topic_key: str) -> tuple[BankQuestion, ...]:
    """The built-in questions of one topic, in display order."""
    return tuple(q for q in QUESTIONS if q.topic == topic_key)


# Templates for questions suggested from the patient's own answers.
#
# Templates with a placeholder are formatted by the caller, after translation:
#
#     str(SUGGESTIONS["medication"]) % {"name": "ibuprofen"}
#
# Always pass a mapping, never a tuple. ``name`` is what the patient typed (a
# medicine name) or a label from ``content.vocab`` (a medicine kind or a
# treatment). Keep these free of any other "%" sign so formatting cannot fail.
#   medication         %(name)s: a medicine name the patient wrote
#   medication_class   %(name)s: a MEDICATION_CLASSES label
#   treatment_no_help  %(name)s: a TREATMENTS label (or the patient's words)
#   treatment_worse    %(name)s: a TREATMENTS label (or the patient's words)
#   red_flag, numbness, sleep, stiffness: no placeholder, use str(x) as is
SUGGESTIONS: dict[str, LazyString] = {
    "medication": _l("What side effects should I look out for with %(name)s?"),
    "medication_class": _l(
        "I take this kind of medicine: %(name)s. What should I know about it?"
    ),
    "treatment_no_help": _l(
        "I tried %(name)s and it did not help. What else could we try?"
    ),
    "treatment_worse": _l("I felt worse after trying %(name)s. Why might that be?"),
    "red_flag": _l(
        "I marked a warning sign in my answers. Can we talk about it first?"
    ),
    "numbness": _l("I have had numbness or tingling. What could be causing it?"),
    "sleep": _l("I am not sleeping well. Could that be making my pain worse?"),
    "stiffness": _l("I feel stiff for a long time in the morning. What could help?"),
}

#: The SUGGESTIONS keys whose template takes ``%(name)s``.
SUGGESTIONS_WITH_NAME: frozenset[str] = frozenset(
    {"medication", "medication_class", "treatment_no_help", "treatment_worse"}
)
