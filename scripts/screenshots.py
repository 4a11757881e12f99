"""Drive a real browser through the patient's steps and save screenshots (`make screenshots`).

Serves the app on loopback with a scratch SQLite database and the demo clinic, walks
/c/demo -> Start -> every step -> send, at 360 px (text at 100 % and at 200 %, the
browser's own text size) and 1280 px wide, and writes PNGs to
docs/screenshots/ (or the folder given as the first argument); `--lang=es` walks it in
Spanish (pressing the language switch first) into docs/screenshots/es/.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
#: name -> (width, height, text size in px or None): 360 px at 100 % and 200 % text, 1280 px.
WIDTHS = {"phone": (360, 800, None), "phone-200": (360, 800, 32), "desktop": (1280, 900, None)}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def serve(tmp: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'screens.sqlite3'}"
    os.environ["RATELIMIT_ENABLED"] = "false"
    os.environ.setdefault("VISITPREP_INSTANCE_DIR", str(tmp))
    from werkzeug.serving import make_server

    from app import create_app
    from extensions import db
    from services.demo import seed_demo

    app = create_app()
    with app.app_context():
        db.create_all()
        seed_demo()
        db.engine.dispose()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def shrink(path: Path) -> None:
    """Fewer colours: the committed PNGs stay small and text stays sharp."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def tap_area(page, key: str) -> None:
    """A tap on a place of the drawn body map (the first view that shows it)."""
    page.locator(f'.touch-map [data-area="{key}"]').first.click()


def go_on(page, name: str) -> None:
    """Press a page's button (named exactly; the first of that name) and wait for the page
    it leads to: the button may first wait for the page's own save, and the next action
    must not land on the page it leaves."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()


def walk(page, base: str, shot, language: str = "en") -> None:
    """The patient's way through, with a picture of each main step.

    In another language the patient first presses the "Español / English" switch, and the
    walk finds labels and buttons by their translation in the compiled catalogue.
    """
    from services.catalogues import translator

    say = translator(language)
    page.goto(f"{base}/c/demo")
    if language != "en":
        page.get_by_role("button", name=LANGUAGE_NAMES[language]).click()
    shot("01-start")
    go_on(page, say("Start"))
    shot("02-keep-link")
    page.get_by_role("link", name=say("I saved it. Go on")).click()

    page.get_by_label(say("Your name")).fill("Ana Ruiz")
    page.get_by_label(say("Your date of birth")).fill("1975-02-03")
    page.get_by_label(say("The main reason for your visit, in your own words")).fill(
        "My lower back and shoulders hurt most days, and I sleep badly.")
    page.locator("details.more-detail > summary").click()  # "Add more detail"
    page.get_by_label(say("My pain is getting worse")).check()
    page.get_by_label(say("I am not sleeping well")).check()
    shot("03-about-the-visit")
    go_on(page, say("Save and continue"))

    # The first topic stands open; another is a tap away.
    page.locator("details.topic input[type=checkbox]").first.check()
    page.locator("details.topic summary").nth(3).click()
    page.locator("details.topic").nth(3).locator("input[type=checkbox]").first.check()
    shot("04-question-bank")
    go_on(page, say("Save and continue"))
    page.get_by_label(say("Your question")).fill("Could my poor sleep make the pain worse?")
    go_on(page, say("Add my question"))
    page.locator("select.rank").first.select_option("1")
    shot("05-my-questions", at="h1")
    go_on(page, say("Save and continue"))

    page.get_by_label(say("Depression")).check()
    page.get_by_label(say("I'm not sure")).check()
    shot("06-history")
    go_on(page, say("Save and continue"))

    # An empty list's page is its add form: the medicine is saved on to the next step.
    page.get_by_label(say("Name of the medicine")).fill("Duloxetine")
    page.get_by_label(say("Dose")).fill("60 mg")
    page.get_by_label(say("How often do you take it?")).select_option("once_day")
    shot("07-medicines")
    go_on(page, say("Save and continue"))

    page.get_by_label(say("What did you try?")).select_option("physical_therapy")
    page.get_by_label(say("It helped")).check()
    shot("08-treatments")
    go_on(page, say("Save and continue"))

    page.locator("#pain-6").check()  # an empty log's page is the first entry
    tap_area(page, "lower_back")
    tap_area(page, "shoulder_left")
    shot("09-log-entry", at="h1")
    go_on(page, say("Save this entry"))
    shot("10-log")
    go_on(page, say("Save and continue"))

    # The places of the log entry start ticked: untick one that did not hurt all week.
    tap_area(page, "shoulder_left")
    for name in ("fatigue", "unrefreshed", "cognitive"):
        page.locator(f"#{name}-2").check()
    page.get_by_label(say("Headaches")).check()
    page.locator("#three_months-0").check()
    shot("11-body-check", at=".body-map")
    go_on(page, say("Save and continue"))

    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    page.locator("#q_bladder-0").check()
    shot("12-safety-get-help-now", at="#get-help-now")
    page.locator("#q_bladder-1").check()
    go_on(page, say("Save and continue"))

    shot("13-review", at="#missing, .lead")
    go_on(page, say("Send my answers"))
    shot("14-sent")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--lang=")]
    language = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--lang=")), "en")
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots"
    if language != "en":
        out = out / language
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, base = serve(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"])
                for label, (width, height, text_px) in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    if text_px:  # the browser's own text size, as a phone's "large text"
                        context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {
                            "standard": text_px, "fixed": round(text_px * 0.8)}})

                    def shot(name: str, full: bool = False, at: str | None = None,
                             page=page, label=label) -> None:
                        path = out / f"{name}-{label}.png"
                        page.wait_for_load_state("networkidle")
                        if at:
                            page.locator(at).first.evaluate("el => el.scrollIntoView()")
                        else:
                            page.evaluate("window.scrollTo(0, 0)")
                        page.screenshot(path=str(path), full_page=full)
                        shrink(path)
                        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

                    walk(page, base, shot, language)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
