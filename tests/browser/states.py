"""Every page a patient or a staff member can see, error states included, for page checks.

`patient_states` and `staff_states` drive a real browser there and call `visit(name)` on
each state; the checks (ids, links, axe, HTML_CodeSniffer, the Nu checker, zoom, focus) are
the caller's. The demo clinic (services.demo.seed_demo) must exist.
"""

from __future__ import annotations

from datetime import datetime

from scripts.screenshots import go_on
from services.demo import DEMO_SLUG


def _save(page, name="Save and continue"):
    go_on(page, name)


def patient_states(page, base: str, visit, dob=None, token=None) -> None:
    """Open start, every step, its error state, review, send, the copies; then the portal."""
    page.goto(f"{base}/")
    visit("portal-index")
    page.goto(f"{base}/c/{DEMO_SLUG}")
    visit("start")
    page.get_by_role("button", name="Continue with my code").click()
    visit("start-code-error", error=True)
    page.get_by_role("button", name="Start").click()
    visit("keep-link")
    page.goto(f"{base}/p/")
    visit("home")

    page.goto(f"{base}/p/visit")
    visit("visit")
    page.get_by_label("Your date of birth").fill("2999-01-01")
    _save(page)
    visit("visit-error", error=True)
    page.get_by_label("Your date of birth").fill("1975-02-03")
    page.get_by_label("The main reason for your visit, in your own words").fill(
        "My lower back hurts most days.")
    _save(page)

    visit("questions")  # the first topic stands open
    page.locator("details.topic input[type=checkbox]").first.check()
    _save(page)
    visit("my-questions")
    page.get_by_role("button", name="Add my question").click()
    visit("my-questions-error", error=True)
    page.get_by_label("Your question").fill("Could poor sleep make the pain worse?")
    page.get_by_role("button", name="Add my question").click()
    with page.expect_navigation():  # "Edit" saves the list first, then opens the question
        page.get_by_role("button", name="Edit").first.click()
    visit("question-edit")
    page.get_by_role("link", name="Cancel").click()
    page.locator("select.rank").first.select_option("1")
    page.locator("select.rank").nth(1).select_option("1")
    _save(page)
    visit("my-questions-rank-error", error=True)
    page.locator("select.rank").nth(1).select_option("")
    _save(page)

    visit("history")
    page.get_by_role("button", name="Add a test or scan").click()
    visit("history-item")
    page.get_by_role("button", name="Save", exact=True).click()
    visit("history-item-error", error=True)
    page.get_by_label("Kind of test").select_option(index=1)
    page.get_by_role("button", name="Save", exact=True).click()
    _save(page)

    visit("medications")  # an empty list: the add form, and a way on without one
    page.get_by_label("Dose").fill("60 mg")  # a dose without its medicine's name
    _save(page)
    visit("medication-error", error=True)
    page.get_by_label("Name of the medicine").fill("Duloxetine")
    _save(page, "Save and add another")
    visit("medication")  # the add form of a list that holds one
    page.get_by_role("link", name="Cancel").click()
    visit("medications-one")
    page.get_by_role("link", name="Change").first.click()
    visit("medication-edit")
    page.get_by_role("link", name="Cancel").click()
    _save(page)

    visit("treatments")  # an empty list: the add form
    page.get_by_label("It helped").check()  # how much it helped, but not what it was
    _save(page)
    visit("treatment-error", error=True)
    page.get_by_label("What did you try?").select_option("physical_therapy")
    _save(page)  # saved, and on to the log

    visit("log")  # an empty log: the first entry's form
    page.locator("#entry-more > summary").click()  # the time is folded with the detail
    page.get_by_label("When was this?").fill("")
    _save(page, "Save this entry")
    visit("entry-error", error=True)
    page.get_by_label("When was this?").fill(datetime.now().strftime("%Y-%m-%dT%H:%M"))
    page.locator("#pain-6").check()
    page.locator('.touch-map [data-area="lower_back"]').click()
    _save(page, "Save and add another")
    visit("entry-prefilled")  # the places fold to one line that names them
    page.get_by_role("link", name="Cancel").click()
    visit("log-one")
    _save(page)

    visit("check")
    _save(page)
    visit("check-error", error=True)
    for name in ("fatigue", "unrefreshed", "cognitive"):
        page.locator(f"#{name}-1").check()
    page.locator("#three_months-0").check()
    _save(page)

    visit("safety")
    _save(page)
    visit("safety-error", error=True)
    page.goto(f"{base}/p/review")
    visit("review-missing")
    page.get_by_role("button", name="Send my answers").click()
    visit("review-refused", error=True)
    page.goto(f"{base}/p/safety")
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.locator("#q_bladder-0").check()
    _save(page)
    visit("safety-get-help-now")
    page.goto(f"{base}/p/safety")
    page.locator("#q_bladder-1").check()
    _save(page)
    visit("review")
    page.goto(f"{base}/p/print")
    visit("print")
    page.goto(f"{base}/p/review")
    page.get_by_role("button", name="Send my answers").click()
    visit("done")
    page.goto(f"{base}/p/summary")
    visit("summary")
    page.goto(f"{base}/p/visit")
    visit("after-send")
    page.goto(f"{base}/p/done")
    page.get_by_role("button", name="Close").click()
    visit("left")

    page.goto(f"{base}/v/no-such-link")
    visit("link-problem")
    if token:
        page.goto(f"{base}/v/{token}")
        visit("dob")
        page.get_by_role("button", name="Continue").click()
        visit("dob-error", error=True)


STAFF_PAGES = [
    "/reception/", "/reception/?view=reviewed", "/reception/?view=draft",
    "/reception/?view=unopened", "/reception/packets/1", "/reception/packets/2",
    "/reception/appointments", "/reception/appointments/new", "/reception/appointments/1/link",
    "/reception/appointments/1/cancel", "/reception/account/password", "/admin/",
    "/admin/staff", "/admin/staff/new", "/admin/questions", "/admin/questions/1/edit",
    "/admin/questions/topics/1/edit", "/admin/settings", "/admin/audit",
]


def staff_states(page, base: str, visit, email: str, password: str) -> None:
    """The login (and its error), every staff page, and the error state of each form."""
    page.goto(f"{base}/reception/login")
    visit("staff-login")
    page.get_by_role("button", name="Log in").click()
    visit("staff-login-error", error=True)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    for path in STAFF_PAGES:
        page.goto(base + path)
        visit("staff" + path.replace("/", "-").replace("?view=", "-").rstrip("-"))
    for path in ("/reception/appointments/new", "/reception/account/password", "/admin/staff/new",
                 "/admin/settings", "/admin/questions/1/edit"):
        page.goto(base + path)
        for field in page.locator("main form input[type=text], main form input[type=email], "
                                  "main form input[type=password], main form textarea").all():
            field.fill("")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        visit("staff" + path.replace("/", "-") + "-error", error=True)
