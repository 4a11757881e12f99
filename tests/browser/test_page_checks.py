"""Every patient and staff page, error states included, passes the checks a person relies on.

One walk through every state (tests/browser/states.py) on a 360 px phone checks, per page:
no id used twice; every in-page link lands on something; on an error state the title starts
"Error:", focus is on the error summary and each of its links lands on a field or a group;
axe-core finds no violation; the keyboard focus ring stands out 3:1 from what is behind it.
The same pages saved as HTML go through HTML_CodeSniffer (pa11y, WCAG 2 AA) and the Nu HTML
checker (vnu). A second walk with the browser's text size at 200 % finds no page wider than
the screen. Counts per page set are printed (pytest -s shows them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from services.demo import seed_demo
from tests.browser.states import patient_states, staff_states
from tests.conftest import missing

#: What the pages are made of: the same on any database (CI's PostgreSQL pass leaves it out).
pytestmark = [pytest.mark.any_database, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

DUPLICATE_IDS = """() => {
  const seen = {};
  document.querySelectorAll('[id]').forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
  return Object.keys(seen).filter(k => seen[k] > 1);
}"""

BROKEN_LINKS = """() => [...document.querySelectorAll('a[href^="#"]')]
  .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
  .filter(id => id && !document.getElementById(id))"""

#: Each error-summary link must land on a form control or the fieldset of a group.
ERROR_LINKS = """() => [...document.querySelectorAll('.error-summary a')].map(a => {
  const href = a.getAttribute('href') || '';
  const hash = href.indexOf('#') >= 0 ? decodeURIComponent(href.split('#')[1]) : '';
  if (href.indexOf('#') > 0) { return null; }  // a link to another page (review: go to the step)
  const target = hash && document.getElementById(hash);
  const ok = target && target.matches('input, select, textarea, fieldset');
  return ok ? null : href;
}).filter(Boolean)"""

#: After one Tab: the focused element's ring colour against what lies behind it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  function rgb(text) {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) { return null; }
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  }
  function lum(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function behind(node) {
    for (let n = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.5) { return c; }
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  // A see-through radio (the 0-10 scale) shows its focus on the box around it.
  let ring = el;
  if (getComputedStyle(el).opacity === '0') { ring = el.closest('.choice') || el.parentElement; }
  const style = getComputedStyle(ring);
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ')[0] : '');
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) {
    return {name, ratio: 0};
  }
  const a = lum(rgb(style.outlineColor)), b = lum(behind(ring.parentElement));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return {name, ratio: Math.round(ratio * 100) / 100};
}"""


#: The innermost elements that stick out past the right edge of the screen.
WIDEST = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right <= window.innerWidth + 0.5 || r.width === 0) { continue; }
    const child = [...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5);
    if (!child) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/ +/).join('.') : '') + ' ' + Math.round(r.right));
    }
  }
  return out.slice(0, 4);
}"""


def _snapshot(page, folder: Path, name: str) -> Path:
    """The page as the browser has it, saved so pa11y and vnu can read it from disk."""
    html = page.content()
    html = re.sub(r'(href|src)="/static/', r'\1="static/', html)
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path


def _focus_problems(page, stops: int = 40) -> list[str]:
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    problems, seen = [], set()
    for _ in range(stops):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None or ring["name"] in seen:
            continue
        seen.add(ring["name"])
        if ring["ratio"] < 3:
            problems.append(f"{ring['name']} {ring['ratio']}:1")
    return problems


def _run_htmlcs(files: list[Path]) -> dict[str, list[dict]]:
    node = shutil.which("node")
    if not node or not (NODE_MODULES / "pa11y").exists():
        missing("pa11y is not installed (npm ci, see the Makefile)")
    out = subprocess.run(  # noqa: S603 - our own script, our own files
        [node, str(Path(__file__).with_name("htmlcs.mjs")), *map(str, files)],
        capture_output=True, text=True, timeout=900, check=True, cwd=ROOT)
    return {Path(k).stem: v for k, v in json.loads(out.stdout).items()}


def _run_vnu(files: list[Path]) -> dict[str, list[str]]:
    java = shutil.which("java")
    if not java or not VNU.exists():
        missing("the Nu HTML checker is not installed (npm ci, see the Makefile)")
    out = subprocess.run(  # noqa: S603 - our own files
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=600, check=False)
    found: dict[str, list[str]] = {}
    for message in json.loads(out.stderr or out.stdout or '{"messages": []}')["messages"]:
        name = Path(message.get("url", "unknown").removeprefix("file:")).stem
        found.setdefault(name, []).append(message["message"])
    return found


def _report(title: str, per_page: dict[str, list], names: list[str]) -> str:
    staff = [n for n in names if n.startswith("staff")]
    patient = [n for n in names if not n.startswith("staff")]
    counts = []
    for label, group in (("patient", patient), ("staff", staff)):
        counts.append(f"{label} {sum(len(per_page.get(n, [])) for n in group)} in {len(group)} pages")
    return f"{title}: " + ", ".join(counts)


@pytest.fixture
def demo(app):
    return seed_demo()


def test_every_page_passes_the_checkers(page, live_server, demo, tmp_path):
    (tmp_path / "static").symlink_to(Path(ROOT / "static"))
    axe = Axe()
    names: list[str] = []
    files: list[Path] = []
    found: dict[str, dict[str, list]] = {k: {} for k in ("ids", "links", "errors", "axe", "focus")}

    def visit(name, error=False):
        page.wait_for_load_state()
        names.append(name)
        checks = {
            "ids": page.evaluate(DUPLICATE_IDS),
            "links": page.evaluate(BROKEN_LINKS),
            "axe": [f"{v['id']}: {v['help']}" for v in axe.run(page).response["violations"]],
        }
        if error:
            problems = page.evaluate(ERROR_LINKS)
            if not page.title().startswith("Error:"):
                problems.append(f"title is {page.title()!r}")
            if not page.evaluate("document.activeElement.matches('.error-summary')"):
                problems.append("focus is not on the error summary")
            if not page.locator(".error-summary").count():
                problems.append("no error summary")
            checks["errors"] = problems
        files.append(_snapshot(page, tmp_path, name))
        checks["focus"] = _focus_problems(page)
        for key, value in checks.items():
            if value:
                found[key][name] = value

    email, _role, password = next(a for a in demo.accounts if a[1] == "admin")
    patient_states(page, live_server, visit, token=demo.invitation_token)
    page.context.clear_cookies()
    staff_states(page, live_server, visit, email, password)

    htmlcs = _run_htmlcs(files)
    vnu = _run_vnu(files)
    found["htmlcs"] = {k: v for k, v in htmlcs.items() if v}
    found["vnu"] = vnu
    for key in found:
        print(_report(key, found[key], names))
    assert {k: v for k, v in found.items() if v} == {}


def test_no_page_scrolls_sideways_at_200_percent_text(page, live_server, demo):
    """Text at 200 % (the browser's font size setting, as a phone's "large text") at 360 px."""
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    wide: dict[str, int] = {}
    names: list[str] = []

    def visit(name, error=False):
        page.wait_for_load_state()
        names.append(name)
        assert page.evaluate("getComputedStyle(document.body).fontSize") != "18px"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[name] = [width, *page.evaluate(WIDEST)]

    email, _role, password = next(a for a in demo.accounts if a[1] == "admin")
    patient_states(page, live_server, visit, token=demo.invitation_token)
    page.context.clear_cookies()
    staff_states(page, live_server, visit, email, password)
    print(_report("wider than 360 px at 200 % text", {k: [v] for k, v in wide.items()}, names))
    for name, (width, *culprits) in wide.items():
        print(f"  {name}: {width} px; {culprits}")
    assert len(names) > 60 and wide == {}
