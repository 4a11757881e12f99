"""Script typed into the patient's answers is shown as text and never runs: the corpus
(tests/xss_payloads.py) typed into a packet the patient fills in; every free-text field, in
staff and patient views, the PDF and the CSV, is in test_staff_xss.py."""

from __future__ import annotations

from datetime import datetime

from extensions import db
from models import Medication, Packet, PacketQuestion, SymptomEntry
from tests.factories import make_clinic
from tests.xss_payloads import PAYLOADS


def test_A4_payloads_in_every_kind_of_answer_stay_text(page, live_server):
    make_clinic("demo", "Riverside Clinic", open_start=True)
    page.goto(f"{live_server}/c/demo")
    page.get_by_role("button", name="Start").click()
    packet = db.session.scalar(db.select(Packet))
    joined = " ".join(PAYLOADS)
    packet.reason = joined
    packet.hopes = joined
    packet.history_note = joined
    for n, payload in enumerate(PAYLOADS):
        db.session.add(Medication(packet=packet, name=payload, dose=payload, position=n))
        db.session.add(PacketQuestion(packet=packet, source="own", text=payload, position=n))
        db.session.add(SymptomEntry(packet=packet, recorded_at=datetime(
            2024, 5, 1, 8 + n // 60, n % 60), pain=3, note=payload, where_text=payload[:500]))
    db.session.commit()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/p/review", "/p/print", "/p/medications", "/p/questions/mine", "/p/log",
                 "/p/visit"):
        page.goto(f"{live_server}{path}")
        page.wait_for_load_state()
        assert page.evaluate("window.__xss") is None, path
    assert dialogs == []
    page.goto(f"{live_server}/p/review")
    assert "<script>window.__xss=1</script>" in page.locator("main").inner_text()
