"""The translation catalogues: extract, check, compile, and the pseudo-locale of the tests.

scripts/i18n.py is the command line for these; tests/test_i18n.py runs the same check.
"""

from __future__ import annotations

import re
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
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "_lp:1c,2", "lazy_pgettext:1c,2")
#: Pseudo-locale markers: every translated message is wrapped in them.
PSEUDO_OPEN, PSEUDO_CLOSE = "\u27e6", "\u27e7"


def extract(out: Path) -> Path:
    """Extract every message to a .pot (no locations: the catalogue diffs stay small)."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location",
         "--sort-output", "-o", str(out), str(ROOT)]
    )
    # A fixed date: `pybabel update` copies it into the .po, and a new date on every run
    # would make everyone's catalogue changes collide on that one line.
    fixed = '"POT-Creation-Date: 2026-12-01 00:00+0000\\n"'
    text = re.sub(r'"POT-Creation-Date: [^"]*"', lambda _m: fixed,
                  out.read_text(encoding="utf-8"), count=1)
    out.write_text(text, encoding="utf-8")
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
    #: Translations whose %(name)s placeholders differ from the English (a 500 at render).
    placeholders: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.fuzzy or self.not_in_catalogue or self.placeholders)

    def lines(self) -> list[str]:
        out = [f"{self.total} messages in the sources"]
        for name in ("not_in_catalogue", "missing", "fuzzy", "placeholders", "obsolete"):
            items = getattr(self, name)
            if items:
                out.append(f"{len(items)} {name.replace('_', ' ')}:")
                out.extend(f"  {item!r}" for item in items[:200])
        return out


def _key(message) -> str:
    text = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\x04{text}" if message.context else text


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
    for message, errors in catalogue.check():
        if message.id and _key(message) in wanted:
            report.placeholders.append(f"{_key(message)}: {'; '.join(map(str, errors))}")
    return report


def pseudo_catalogue(template: Catalog, locale: str = "es") -> Catalog:
    """Every message "translated" to itself between markers, placeholders kept."""
    catalogue = Catalog(locale=locale)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = (PSEUDO_OPEN + part + PSEUDO_CLOSE for part in message.id)
            forms = (singular, *[plural] * (catalogue.num_plurals - 1))
            catalogue.add(message.id, string=forms, context=message.context)
        else:
            catalogue.add(message.id, string=PSEUDO_OPEN + message.id + PSEUDO_CLOSE,
                          context=message.context)
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
    # Each process writes its own file, then swaps it in whole: test workers that start
    # together each compile, and none reads a half-written catalogue or loses its file.
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".messages-", suffix=".mo",
                                     delete=False) as handle:
        write_mo(handle, catalogue, use_fuzzy=False)
    Path(handle.name).replace(target)
    return target


# The glossary --------------------------------------------------------------------------

GLOSSARY = ROOT / "docs" / "glossary-es.md"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass(frozen=True)
class Term:
    english: str
    spanish: tuple[str, ...]  # the glossary's word first, then the accepted forms
    not_when: tuple[str, ...]

    def pattern(self) -> re.Pattern:
        word = re.escape(self.english.lower())
        plural = f"{word[:-1]}ies" if self.english.endswith("y") else f"{word}(?:s|es)?"
        return re.compile(rf"(?<![\w-])(?:{plural}|{word})(?![\w-])")


def glossary_terms(path: Path = GLOSSARY) -> list[Term]:
    """The glossary table's rows, longest English term first."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        forms = [cells[1], *[f.strip() for f in cells[2].split(",") if f.strip()]]
        not_when = tuple(f.strip().lower() for f in cells[3].split(",") if f.strip())
        terms.append(Term(cells[0], tuple(forms), not_when))
    return sorted(terms, key=lambda t: -len(t.english))


def glossary_violations(language: str = "es") -> list[tuple[str, str, str]]:
    """(term, English, Spanish) for each translation that does not use the glossary's word."""
    terms = glossary_terms()
    catalogue = read(catalogue_path(language), locale=language)
    out = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, spanish in zip(ids, strings, strict=False):
            if not spanish:
                continue
            text = _PLACEHOLDER.sub(" ", english).lower()
            translated = spanish.lower()
            for term in terms:
                pattern = term.pattern()
                if not pattern.search(text):
                    continue
                if not any(phrase in text for phrase in term.not_when) and not any(
                    form.lower() in translated for form in term.spanish
                ):
                    out.append((term.english, english, spanish))
                text = pattern.sub(" ", text)  # a shorter term inside this one is not checked
    return out


def translator(language: str):
    """`gettext` for a language from its compiled catalogue (English: the text itself)."""
    if language == "en":
        return lambda text: text
    from babel.support import Translations

    compile_catalogue(language)
    return Translations.load(str(TRANSLATIONS), [language]).gettext
