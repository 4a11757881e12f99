"""Bytes of HTML, CSS and JavaScript per patient page as Chromium loads them, cache off.

    .venv/bin/python -m bench.page_weight

Serves the app (SQLite) on a free loopback port, starts a packet at the clinic's link and
opens every step. Counts each response's body by kind, and every request that leaves the
app's own origin (the goal: none). Ends with `page_kb_max` (the heaviest page, KiB; goal
under 60) and `third_party_requests`.
"""

from __future__ import annotations

import tempfile
import threading
from collections import defaultdict
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bench.common import figures, table
from extensions import db
from tests.conftest import make_test_app
from tests.factories import make_clinic

PAGES = ["/c/bench", "/p/visit", "/p/questions", "/p/history", "/p/medications",
         "/p/treatments", "/p/log", "/p/log/new", "/p/check", "/p/safety", "/p/review"]
KINDS = {"Document": "HTML", "Stylesheet": "CSS", "Script": "JS"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_test_app(f"sqlite:///{tmp}/weight.sqlite3")
        with app.app_context():
            db.create_all()
            make_clinic(slug="bench", name="Bench Clinic", open_start=True)
            db.engine.dispose()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_port}"
        rows, heaviest, foreign = [], 0.0, []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 360, "height": 800})
                cdp = page.context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                page.goto(origin + "/c/bench")
                page.get_by_role("button", name="Start").first.click()
                page.wait_for_load_state()
                kinds: dict[str, tuple[str, str]] = {}
                sizes: dict[str, int] = {}
                cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(
                    e["requestId"], (e["type"], e["response"]["url"])))
                cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(
                    e["requestId"], e["encodedDataLength"]))
                for path in PAGES:
                    kinds.clear()
                    sizes.clear()
                    page.goto(origin + path)
                    page.wait_for_load_state("networkidle")
                    by_kind: dict[str, float] = defaultdict(float)
                    for request_id, (kind, url) in kinds.items():
                        parts = urlsplit(url)
                        if parts.scheme != "data" and f"{parts.scheme}://{parts.netloc}" != origin:
                            foreign.append(url)
                        by_kind[KINDS.get(kind, "other")] += sizes.get(request_id, 0) / 1024
                    total = sum(by_kind[k] for k in ("HTML", "CSS", "JS"))
                    heaviest = max(heaviest, total)
                    rows.append([path, *(f"{by_kind[k]:.1f}" for k in ("HTML", "CSS", "JS")),
                                 f"{by_kind['other']:.1f}", f"{total:.1f}"])
                browser.close()
        finally:
            server.shutdown()
    print("KiB per patient page (cache off), phone width")
    table(["page", "HTML", "CSS", "JS", "other", "HTML+CSS+JS"], rows)
    for url in foreign:
        print(f"  third-party request: {url[:100]}")
    figures(page_kb_max=round(heaviest), third_party_requests=len(foreign))


if __name__ == "__main__":
    main()
