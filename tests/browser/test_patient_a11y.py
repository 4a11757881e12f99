"""axe-core finds no serious accessibility problems on the patient's pages."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from scripts.screenshots import walk
from tests.factories import make_clinic


def test_patient_pages_have_no_serious_axe_violations(page, live_server):
    make_clinic("demo", "Riverside Spine & Pain Clinic", open_start=True)
    axe = Axe()
    problems: dict[str, list[str]] = {}

    def check(name, full=False, at=None):
        page.wait_for_load_state()
        violations = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations
                   if v.get("impact") in {"serious", "critical"}]
        if serious:
            problems[name] = serious

    walk(page, live_server, check)
    assert problems == {}
