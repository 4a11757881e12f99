"""Render every kind of mail as a mail program would and photograph it at phone width.

Writes docs/screenshots/mail-<kind>-phone.png (or to the folder given as the first
argument): each message made through the outbox as the app makes it, rendered by
services.outbox.render, shown in Chromium at 360 px.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def rendered_mails(tmp: Path) -> dict[str, str]:
    from app import create_app
    from config import TestConfig
    from extensions import db
    from models import Appointment, Packet
    from services import outbox, reminders, staff_alerts
    from services.clinics import create_clinic

    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'm.sqlite3'}",
                     PUBLIC_BASE_URL="https://prep.riverside.example")
    out = {}
    with app.app_context():
        db.create_all()
        clinic = create_clinic("riverside", "Riverside Spine Clinic", phone="555-0100",
                               alert_emails="desk@riverside.example")
        db.session.flush()
        visit = date.today() + timedelta(days=3)
        from datetime import datetime

        appointment = Appointment(clinic=clinic, patient_name="x", date_of_birth=date(1980, 1, 1),
                                  scheduled_for=datetime.combine(visit, datetime.min.time()),
                                  patient_email="pat@example.org")
        db.session.add(appointment)
        db.session.flush()
        packet = Packet(clinic=clinic, appointment=appointment, visit_date=visit,
                        contact_email="pat@example.org", daily_reminder_hour=19)
        db.session.add(packet)
        db.session.flush()
        for kind in ("link", "invitation", "previsit", "daily"):
            outbox.enqueue(clinic_id=clinic.id, kind=kind, recipient="pat@example.org",
                           key=f"shot:{kind}", cause_type="packet", cause_id=packet.id,
                           packet=packet, make_link=reminders.link_maker(packet, appointment.id),
                           visit_date=visit)
        staff_alerts.safety_call_opened(clinic, 1)
        outbox.enqueue(clinic_id=clinic.id, kind="staff_digest", recipient="desk@example.org",
                       key="shot:digest", cause_type="clinic", cause_id=clinic.id,
                       visit_date=date.today())
        db.session.commit()
        for message in db.session.scalars(db.select(outbox.OutboxMessage)):
            out[message.kind] = outbox.render(message).html
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        mails = rendered_mails(Path(tmp))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        for kind, html in mails.items():
            page.set_content(html)
            path = folder / f"mail-{kind}-phone.png"
            page.screenshot(path=str(path), full_page=True)
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        browser.close()


if __name__ == "__main__":
    main()
