"""Accessibility of the staff pages: axe-core finds no serious or critical violations."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from services.demo import seed_demo

PAGES = [
    "/reception/", "/reception/?view=unopened", "/reception/packets/1", "/reception/appointments",
    "/reception/appointments/new", "/reception/appointments/1/cancel",
    "/reception/account/password", "/admin/", "/admin/staff", "/admin/staff/new",
    "/admin/questions", "/admin/questions/1/edit", "/admin/settings", "/admin/audit",
]


def test_staff_pages_have_no_serious_axe_violations(page, live_server):
    demo = seed_demo()
    email, _, password = demo.accounts[1]
    page.goto(f"{live_server}/reception/login")
    found = {}
    axe = Axe()
    for path in ["/reception/login"] + PAGES:
        if path != "/reception/login":
            page.goto(live_server + path)
        result = axe.run(page)
        serious = [v["id"] for v in result.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
        if path == "/reception/login":
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Log in").click()
    assert found == {}
