"""SECURITY A4 on the staff side: 50 XSS payloads in every free-text field staff see, in a
real browser; none may run (no dialog, no marker set, no console CSP error from our markup)."""

from __future__ import annotations

from datetime import date, timedelta

from extensions import db
from models import ClinicQuestion, PacketQuestion, StaffNote, utcnow
from tests.factories import make_appointment, make_clinic, make_packet, make_staff

BASE = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "<svg onload=\"window.__xss=1\">",
    "\"><script>window.__xss=1</script>",
    "'><img src=x onerror=window.__xss=1>",
    "<iframe src=\"javascript:window.top.__xss=1\"></iframe>",
    "<a href=\"javascript:window.__xss=1\" id=xss>click</a>",
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<math><mtext><img src=x onerror=window.__xss=1></mtext></math>",
]
#: 50 payloads: each base in five wrappings.
PAYLOADS = [
    wrap.format(p) for p in BASE
    for wrap in ("{}", "x{}y", "</textarea>{}", "</title>{}", "{{{{ 7*7 }}}}{}")
]


def test_payloads_never_run_in_staff_pages(page, live_server, console_errors):
    assert len(PAYLOADS) == 50
    clinic = make_clinic("riverside", PAYLOADS[0][:120], require_totp=False)
    make_staff(clinic, "desk@riverside.example", "admin", password="a long enough password",
               name=PAYLOADS[1])
    question = db.session.scalar(db.select(ClinicQuestion).filter_by(clinic_id=clinic.id))
    question.text = PAYLOADS[2]
    packet_ids = []
    for i, payload in enumerate(PAYLOADS):
        appointment = make_appointment(clinic, patient_name=payload[:120], doctor=payload[:120])
        packet = make_packet(clinic, appointment, status="submitted", submitted_at=utcnow(),
                             visit_date=date.today() + timedelta(days=1 + i % 5),
                             doctor=payload[:120], reason=payload)
        packet.notes.append(StaffNote(body=payload))
        packet.questions.append(PacketQuestion(source="own", text=payload, position=0))
        packet_ids.append(packet.id)
    db.session.commit()

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server}/reception/login")
    page.get_by_label("Email").fill("desk@riverside.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    paths = ["/reception/", "/reception/?view=unopened", "/reception/appointments",
             "/admin/staff", "/admin/questions", "/admin/audit", "/admin/settings"]
    paths += [f"/reception/packets/{i}" for i in packet_ids[:10]]
    for path in paths:
        page.goto(live_server + path)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("#xss").count() == 0, path
        # Escaped text makes no elements: no handlers, no inline scripts, no frames.
        injected = page.evaluate(
            "document.querySelectorAll('[onerror],[onload],[ontoggle],script:not([src]),"
            "iframe,math,svg:not(.segno)').length")
        assert injected == 0, path
    assert dialogs == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []
