"""Both journeys in Spanish in a real browser, on a phone-sized screen (360 px).

The patient presses "Español" on the clinic's page and goes through every step; a
receptionist picks Spanish in the staff header and reviews, notes, books and invites.
Every page must be in Spanish (`<html lang="es">`) and never wider than the screen: the
longer Spanish words must wrap. Set SCREENSHOT_DIR to keep a PNG of each step.
"""

from __future__ import annotations

import os

from playwright.sync_api import expect

from extensions import db
from models import Packet, StaffUser
from scripts.screenshots import walk
from services.catalogues import translator
from services.demo import seed_demo
from tests.factories import make_clinic

SHOTS = os.environ.get("SCREENSHOT_DIR")
es = translator("es")


def check_page(page, name: str, seen: list[str]) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "es", (name, page.url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name} is {width}px wide ({page.url})"
    # No single element may stick out of the screen either (a long word in a button).
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *, header *')]
             .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
                           && getComputedStyle(el).position !== 'absolute'
                           && !el.closest('.visually-hidden, .skip-link'))
             .map(el => el.tagName + ': ' + (el.textContent || '').trim().slice(0, 40))"""
    )
    assert wide == [], (name, wide)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/es-{name}-360.png", full_page=True)
    seen.append(name)


def test_a_patient_goes_through_every_step_in_spanish(page, live_server, console_errors):
    make_clinic("demo", "Clínica Riverside de Columna y Dolor", open_start=True)
    seen: list[str] = []

    def shot(name, full=False, at=None):
        check_page(page, f"patient-{name}", seen)

    walk(page, live_server, shot, "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        es("Thank you. Your answers were sent."))
    assert len(seen) == 14 and console_errors == []
    packet = db.session.scalar(db.select(Packet))
    assert packet.status == "submitted" and packet.language == "es"
    # The patient's own copy of the summary is in Spanish too.
    page.goto(f"{live_server}/p/summary")
    check_page(page, "patient-12-summary", seen)
    expect(page.get_by_role("heading", name=es("Most important questions today"))).to_be_visible()


def test_a_receptionist_works_in_spanish(page, live_server, console_errors):
    demo = seed_demo()
    email, _, password = demo.accounts[0]
    seen: list[str] = []
    page.goto(f"{live_server}/reception/login")
    page.get_by_role("button", name="Español").click()
    check_page(page, "staff-01-login", seen)
    page.get_by_label(es("Email")).fill(email)
    page.get_by_label(es("Password")).fill(password)
    page.get_by_role("button", name=es("Log in")).click()
    # The login page followed the switch; the account's own setting follows it from now on.
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name=es("Summaries to review"))).to_be_visible()
    user = db.session.scalar(db.select(StaffUser).filter_by(email=email))
    db.session.refresh(user)
    assert user.language == "es"
    check_page(page, "staff-02-queue", seen)

    page.locator(".queue-table tbody tr td:first-child a").first.click()
    expect(page.get_by_text("Respondió en inglés.", exact=False)).to_be_visible()
    check_page(page, "staff-03-packet", seen)
    page.get_by_role("textbox", name=es("Add a note")).fill("Llamé a la paciente; viene el martes.")
    page.get_by_role("button", name=es("Add note")).click()
    expect(page.get_by_text(es("Note added."))).to_be_visible()
    check_page(page, "staff-04-note", seen)
    page.get_by_role("button", name=es("Mark reviewed")).click()
    check_page(page, "staff-05-reviewed", seen)

    page.get_by_role("link", name=es("Appointments"), exact=True).first.click()
    check_page(page, "staff-06-appointments", seen)
    page.get_by_role("link", name=es("New invitation")).first.click()
    check_page(page, "staff-07-new-appointment", seen)
    assert console_errors == []
