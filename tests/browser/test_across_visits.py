"""Across visits in a real browser: visit 1 was sent; reception books visit 2 for the same
patient; the patient confirms and stops medicines, logs, carries a question forward and
sends; the staff summary says what changed; the visit view's note comes back at visit 3.

Set SCREENSHOT_DIR to keep screenshots of the new pages at 360 and 1280 px.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from playwright.sync_api import expect

from extensions import db
from models import Medication, Packet, PacketQuestion, SymptomEntry, TreatmentTried
from scripts.screenshots import go_on
from tests.browser.conftest import PHONE
from tests.browser.test_staff_flows import log_in, shoot
from tests.factories import (
    DEFAULT_PASSWORD,
    make_appointment,
    make_clinic,
    make_packet,
    make_patient,
    make_staff,
)

DOB = date(1968, 3, 2)
FIRST_VISIT = date.today() - timedelta(days=30)


def visit_one(clinic):
    """Visit 1, sent: 3 medicines, 2 treatments, 5 log entries, two questions."""
    patient = make_patient(clinic, "Maria Lopez", DOB)
    packet = make_packet(clinic, make_appointment(clinic, patient=patient, days_ahead=-30),
                         status="submitted", visit_date=FIRST_VISIT, reason="Back pain")
    packet.medications += [Medication(name="Duloxetine", dose="60 mg", position=0),
                           Medication(name="Ibuprofen", dose="400 mg", position=1),
                           Medication(name="Cyclobenzaprine", dose="10 mg", position=2)]
    packet.treatments += [TreatmentTried(kind="physical_therapy", effect="helped", position=0),
                          TreatmentTried(kind="heat", effect="no_change", still_doing=True,
                                         position=1)]
    for n, pain in enumerate((8, 7, 9, 8, 6)):
        packet.symptom_entries.append(SymptomEntry(
            recorded_at=datetime.combine(FIRST_VISIT - timedelta(days=5 - n), time(9)),
            pain=pain, sleep_hours=5))
    packet.questions += [
        PacketQuestion(text="Is it fibromyalgia?", position=0, top_rank=1, asked=True,
                       doctor_said="Maybe; we will test first."),
        PacketQuestion(text="Can I swim with this pain?", position=1),
    ]
    db.session.commit()
    return patient, packet


def open_link(browser, link: str):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Your date of birth").fill(DOB.isoformat())
    page.get_by_role("button", name="Continue").click()
    return context, page


def book(page, live_server) -> str:
    page.goto(f"{live_server}/reception/appointments/new")
    page.get_by_label("Patient's name").fill("maria  LOPEZ")
    page.get_by_label("Date of birth").fill(DOB.isoformat())
    page.get_by_label("Appointment date").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_label("Appointment time").fill("09:30")
    page.get_by_label("Doctor").fill("Dr. Priya Shah")
    page.get_by_role("button", name="Make the link").click()
    return page.url


def test_a_returning_patient_across_three_visits(page, browser, live_server, console_errors):
    clinic = make_clinic("demo", "Riverside Clinic", require_totp=False, phone="555-0199")
    make_staff(clinic, "desk@riverside.example")
    patient, first = visit_one(clinic)

    # Reception books visit 2: the same name and date of birth offer Maria first.
    log_in(page, live_server, "desk@riverside.example", DEFAULT_PASSWORD)
    book(page, live_server)
    expect(page.get_by_role("heading", name="Is this the same patient?")).to_be_visible()
    shoot(page, "across-booking-offer")
    page.get_by_role("button", name="Yes, book for this patient").click()
    link = page.locator("#invitation-link").inner_text()

    # The patient opens the new link: last time's answers, nothing copied yet.
    context, phone = open_link(browser, link)
    expect(phone.get_by_text("Welcome back.")).to_be_visible()
    phone.get_by_role("link", name="Check what you told us last time").click()
    expect(phone.get_by_role("heading", name="Last time you told us…")).to_be_visible()
    shoot(phone, "across-last-time")
    duloxetine, ibuprofen, cyclo = first.medications
    phone.locator(f"#medication_{duloxetine.id}-0").check()
    phone.locator(f"#medication_{ibuprofen.id}-0").check()
    phone.locator(f"#medication_{cyclo.id}-2").check()
    phone.get_by_label("If you stopped it: about when?").nth(2).fill("two weeks ago")
    phone.get_by_label("If you stopped it: why?").nth(2).fill("Too sleepy in the day")
    for treatment in first.treatments:
        phone.locator(f"#treatment_{treatment.id}-0").check()
    phone.get_by_role("button", name="Save my answers").click()
    expect(phone.get_by_text("Thank you. Saved.")).to_be_visible()

    # Last time's unanswered question, carried forward in one tap.
    expect(phone.get_by_role("heading", name="Last time you asked…")).to_be_visible()
    expect(phone.get_by_text("Maybe; we will test first.")).to_be_visible()
    phone.get_by_role("button", name="Ask these again").click()
    expect(phone.get_by_text("1 question added to your list.")).to_be_visible()

    # Three new log entries.
    for pain in (4, 5, 3):
        phone.goto(f"{live_server}/p/log/new")
        phone.locator(f"#pain-{pain}").check()
        phone.get_by_role("button", name="Save this entry").click()
        expect(phone.get_by_text("Your entry was saved.")).to_be_visible()

    phone.goto(f"{live_server}/p/visit")
    phone.get_by_label("The main reason for your visit, in your own words").fill(
        "Follow-up for back pain")
    go_on(phone, "Save and continue")  # it may wait for the page's own save
    phone.goto(f"{live_server}/p/safety")
    for radio in phone.locator("input[type=radio][value=no]").all():
        radio.check()
    go_on(phone, "Save and continue")
    phone.goto(f"{live_server}/p/review")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you. Your answers were sent.")).to_be_visible()
    second = db.session.scalar(db.select(Packet).where(Packet.id != first.id,
                                                       Packet.patient_id == patient.id))
    assert second.status == "submitted"

    # Staff: "since last visit" with the stopped medicine and the figures, and the ledger.
    page.goto(f"{live_server}/reception/packets/{second.id}")
    box = page.locator(".since-box")
    expect(box).to_contain_text("Cyclobenzaprine")
    expect(box).to_contain_text("Too sleepy in the day")
    expect(box).to_contain_text("7.6 → 4.0")  # average pain, last time and now
    expect(box).to_contain_text("9 → 5")  # worst
    ledger = page.locator(".ledger")
    expect(ledger).to_contain_text("Duloxetine")
    expect(ledger).to_contain_text("Physical therapy")
    shoot(page, "across-staff-summary")

    # The visit view: a note under the carried-forward question.
    phone.get_by_role("link", name="At the visit: my card and questions").click()
    expect(phone.get_by_role("heading", name="My opening card")).to_be_visible()
    carried = next(q for q in db.session.get(Packet, second.id).questions
                   if q.carried_from_id is not None)
    phone.locator(f"#asked_{carried.id}").check()
    phone.locator(f"#said_{carried.id}").fill("Yes, gentle swimming helps")
    shoot(phone, "across-visit-view")
    phone.get_by_role("button", name="Save my notes").click()
    expect(phone.get_by_text("Saved. Your notes are kept with your visit.")).to_be_visible()
    context.close()

    # Visit 3: the note comes back.
    third = make_appointment(clinic, patient=patient, days_ahead=40)
    from services.tokens import create_invitation

    _link, token = create_invitation(third, 30)
    db.session.commit()
    context, phone = open_link(browser, f"{live_server}/v/{token}")
    phone.goto(f"{live_server}/p/last-time")
    expect(phone.get_by_text("Yes, gentle swimming helps")).to_be_visible()
    assert re.search(r"Can I swim", phone.content())
    context.close()
    page.goto(f"{live_server}/reception/patients/{patient.id}")
    shoot(page, "across-patient-record")
    assert console_errors == []


def test_reception_matches_a_self_started_packet_side_by_side(page, live_server, console_errors):
    clinic = make_clinic("demo", "Riverside Clinic", require_totp=False, open_start=True)
    make_staff(clinic, "desk@riverside.example")
    patient, _first = visit_one(clinic)
    started = make_packet(clinic, patient_name="Maria Lopez", date_of_birth=DOB,
                          status="submitted", reason="Pain again")
    log_in(page, live_server, "desk@riverside.example", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/reception/packets/{started.id}")
    expect(page.locator(".since-box")).to_have_count(0)  # not matched: no other record shown
    page.get_by_role("link", name="Compare and match").click()
    expect(page.get_by_role("heading", name="This packet")).to_be_visible()
    shoot(page, "across-match")
    page.get_by_role("button", name="Same person: match").click()
    expect(page.get_by_text("You can undo this on the packet page.")).to_be_visible()
    expect(page.locator(".since-box")).to_contain_text("Since last visit")
    page.get_by_role("button", name="Undo the match").click()
    expect(page.get_by_text("The match is undone.")).to_be_visible()
    expect(page.locator(".since-box")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Packet, started.id).patient_id != patient.id
    assert console_errors == []


def test_a_sign_logged_between_visits_reaches_the_next_visits_queue_page_and_pdf(
        page, browser, live_server, console_errors):
    """Weeks after visit 1, the patient logs numbness in the diary from visit 1's link: told
    to contact the clinic today, a call opens. Visit 2, sent with a clear safety check,
    still sorts among the urgent, and its page and PDF list the sign."""
    from services.formatting import format_date
    from services.tokens import create_invitation
    from tests.patient.test_nothing_lost import pdf_text

    clinic = make_clinic("demo", "Riverside Clinic", require_totp=False, phone="555-0199")
    make_staff(clinic, "desk@riverside.example")
    patient, first = visit_one(clinic)
    link, token = create_invitation(first.appointment, 60)
    link.packet_id = first.id
    db.session.commit()

    # Between visits: the diary, from the first visit's link.
    context, phone = open_link(browser, f"{live_server}/v/{token}")
    phone.get_by_role("link", name="Keep my diary until the next visit").click()
    phone.get_by_role("link", name="Add an entry").click()
    phone.locator("#pain-6").check()
    numbness = phone.get_by_label("Numbness or tingling")
    if not numbness.is_visible():
        phone.locator("details.more-detail summary").first.click()
    numbness.check()
    go_on(phone, "Save this entry")
    expect(phone.get_by_role("heading", name="Contact the clinic today")).to_be_visible()
    context.close()

    # Visit 2: booked, opened from its own link, sent with no warning signs answered.
    second_visit = make_appointment(clinic, patient=patient, days_ahead=3,
                                    doctor="Dr. Priya Shah")
    _link, token = create_invitation(second_visit, 30)
    db.session.commit()
    context, phone = open_link(browser, f"{live_server}/v/{token}")
    phone.goto(f"{live_server}/p/visit")
    phone.get_by_label("The main reason for your visit, in your own words").fill(
        "Follow-up for back pain")
    go_on(phone, "Save and continue")
    phone.goto(f"{live_server}/p/safety")
    for radio in phone.locator("input[type=radio][value=no]").all():
        radio.check()
    go_on(phone, "Save and continue")
    phone.goto(f"{live_server}/p/review")
    go_on(phone, "Send my answers")
    expect(phone.get_by_role("heading", name="Thank you. Your answers were sent.")).to_be_visible()
    context.close()
    second = db.session.scalar(db.select(Packet).where(Packet.id != first.id,
                                                       Packet.patient_id == patient.id))

    # Reception: visit 2 among the urgent, the sign and its day on its page and its PDF.
    log_in(page, live_server, "desk@riverside.example", DEFAULT_PASSWORD)
    page.goto(f"{live_server}/reception/")
    row = page.locator(f'tr:has(a[href*="/reception/packets/{second.id}"])')
    expect(row.locator(".badge-urgent")).to_have_text("Urgent")
    page.goto(f"{live_server}/reception/packets/{second.id}")
    flags = page.locator(".flag-box")
    expect(flags).to_contain_text("Numbness or tingling logged")
    expect(flags).to_contain_text("numbness or tingling in 1 entry")
    expect(flags.locator(".call-list")).to_contain_text(
        f"from the diary after the visit of {format_date(FIRST_VISIT)}")
    expect(flags.locator(".call-state")).to_have_text("Open")
    shoot(page, "across-between-visits-sign")
    pdf = page.request.get(f"{live_server}/reception/packets/{second.id}/summary.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    words = pdf_text(pdf.body())
    assert "Maria Lopez" in words and "Numbness or tingling logged" in words
    assert "from the diary after the visit of" in words
    assert console_errors == []
