"""The translation catalogues from the command line.

    python scripts/i18n.py extract OUT.pot   every message in the sources (what `make messages` runs)
    python scripts/i18n.py check [LANG]      missing, fuzzy and out-of-date messages (exit 1 if any)
    python scripts/i18n.py stats [LANG]      how many messages, how many translated
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.catalogues import check, extract  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "extract":
        extract(Path(argv[1]).resolve())
        return 0
    if argv and argv[0] in ("check", "stats"):
        language = argv[1] if len(argv) > 1 else "es"
        report = check(language)
        translated = report.total - len(report.missing) - len(report.not_in_catalogue)
        print(f"{language}: {translated} of {report.total} messages translated, "
              f"{len(report.fuzzy)} fuzzy")
        if argv[0] == "check":
            print("\n".join(report.lines()))
            return 0 if report.ok else 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
