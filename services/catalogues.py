"""The translation catalogues: extract, check, compile, and the pseudo-locale of the tests.

scripts/i18n.py is the command line for these; tests/test_i18n.py runs the same check.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent  # the repository
TRANSLATIONS = ROOT / "translations"
#: The keywords our code marks messages with (gettext, ngettext, _ are babel's defaults).
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")
#: Pseudo-locale markers: every translated message is wrapped in them.
PSEUDO_OPEN, PSEUDO_CLOSE = "\u27e6", "\u27e7"


def extract(out: Path) -> Path:
    """Extract every message to a .pot (no locations: the catalogue diffs stay small)."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location",
         "--sort-output", "-o", str(out), str(ROOT)]
    )
    return out


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


@dataclass
class Report:
    total: int = 0
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    not_in_catalogue: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.fuzzy or self.not_in_catalogue)

    def lines(self) -> list[str]:
        out = [f"{self.total} messages in the sources"]
        for name in ("not_in_catalogue", "missing", "fuzzy", "obsolete"):
            items = getattr(self, name)
            if items:
                out.append(f"{len(items)} {name.replace('_', ' ')}:")
                out.extend(f"  {item!r}" for item in items[:200])
        return out


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def check(language: str = "es") -> Report:
    """Compare the sources (extracted now) with the catalogue."""
    with tempfile.TemporaryDirectory() as tmp:
        template = read(extract(Path(tmp) / "messages.pot"))
    catalogue = read(catalogue_path(language), locale=language)
    report = Report()
    wanted = {_key(m): m for m in template if m.id}
    have = {_key(m): m for m in catalogue if m.id}
    report.total = len(wanted)
    for key in wanted:
        message = have.get(key)
        if message is None:
            report.not_in_catalogue.append(key)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            report.missing.append(key)
        elif message.fuzzy:
            report.fuzzy.append(key)
    report.obsolete = sorted(set(have) - set(wanted))
    return report


def pseudo_catalogue(template: Catalog, locale: str = "es") -> Catalog:
    """Every message "translated" to itself between markers, placeholders kept."""
    catalogue = Catalog(locale=locale)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string = tuple(PSEUDO_OPEN + part + PSEUDO_CLOSE for part in message.id)
            catalogue.add(message.id, string=string[:2])
        else:
            catalogue.add(message.id, string=PSEUDO_OPEN + message.id + PSEUDO_CLOSE)
    return catalogue


def write_pseudo(directory: Path, locale: str = "es") -> Path:
    """Write and compile a pseudo catalogue under `directory` (a translations dir)."""
    with tempfile.TemporaryDirectory() as tmp:
        template = read(extract(Path(tmp) / "messages.pot"))
    catalogue = pseudo_catalogue(template, locale)
    target = directory / locale / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.po").open("wb") as handle:
        write_po(handle, catalogue)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return directory


def compile_catalogue(language: str = "es") -> Path:
    """Build the .mo from the .po when it is missing or older (as `make compile` does)."""
    source = catalogue_path(language)
    target = source.with_suffix(".mo")
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    catalogue = read(source, locale=language)
    partial = target.with_suffix(".mo.tmp")
    with partial.open("wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
    partial.replace(target)
    return target
