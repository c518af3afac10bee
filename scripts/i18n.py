"""Translation workflow: extract, update, compile and check the FR/EN catalogs.

    python scripts/i18n.py update    # extract messages, merge them into both catalogs
    python scripts/i18n.py compile   # build the .mo files (setup does this)
    python scripts/i18n.py check     # list messages lacking a French or English text
    python scripts/i18n.py borrow OTHER.po [LOCALE]  # fill texts from another catalog (fr_CA)
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("fr_CA", "en")


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def extract(output: Path = POT) -> None:
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location",
            "--sort-output", "--project", "planner", "-o", str(output), "webapp")


def catalog_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def update() -> None:
    extract()
    for locale in LOCALES:
        if catalog_path(locale).exists():
            pybabel("update", "--no-fuzzy-matching", "-i", str(POT),
                    "-d", str(TRANSLATIONS), "-l", locale)
        else:
            pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
    # English is the source language: its catalog says so explicitly, message by message.
    path = catalog_path("en")
    with path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        text = message.string
        complete = all(text) if isinstance(text, tuple | list) else bool(text)
        if message.id and not complete:
            message.string = message.id  # a plural's id is its (singular, plural) pair
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True)


def compile_catalogs() -> None:
    pybabel("compile", "-d", str(TRANSLATIONS))


def missing(locale: str) -> list[str]:
    """Message ids of the code that lack a translation in this locale's catalog."""
    path = catalog_path(locale)
    if not path.exists():
        return ["<no catalog>"]
    with path.open("rb") as f:
        catalog = read_po(f)
    tmp = TRANSLATIONS / ".check.pot"
    extract(tmp)
    try:
        with tmp.open("rb") as f:
            template = read_po(f)
    finally:
        tmp.unlink()
    gaps = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        text = found.string if found else None
        complete = all(text) if isinstance(text, tuple | list) else bool(text)
        if found is None or found.fuzzy or not complete:
            gaps.append(str(message.id))
    return gaps


def borrow(other: Path, locale: str = "fr_CA") -> int:
    """Fill this locale's empty or fuzzy texts from another catalog (after a merge).

    In English a text equal to its id is the default `update` wrote, not a choice: a
    different English text from the other catalog replaces it.
    """
    path = catalog_path(locale)
    with path.open("rb") as f:
        catalog = read_po(f)
    with other.open("rb") as f:
        donor = read_po(f)
    def complete(text: object) -> bool:
        return all(text) if isinstance(text, tuple | list) else bool(text)

    filled = 0
    for message in catalog:
        default = locale == "en" and message.string in (message.id, tuple(message.id))
        if not message.id or (complete(message.string) and not message.fuzzy and not default):
            continue
        found = donor.get(message.id)
        if found is not None and complete(found.string) and not found.fuzzy \
                and found.string != message.string:
            message.string = found.string
            message.flags.discard("fuzzy")
            filled += 1
    with path.open("wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True)
    return filled


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "borrow":
        locale = sys.argv[3] if len(sys.argv) > 3 else "fr_CA"
        print(f"{borrow(Path(sys.argv[2]), locale)} texts filled")
    elif command == "compile":
        compile_catalogs()
    elif command == "check":
        bad = False
        for locale in LOCALES:
            for msgid in missing(locale):
                bad = True
                print(f"{locale}: {msgid}")
        return 1 if bad else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
