"""Re-extract the messages from the code and merge them into the .po catalogs.

    .venv/bin/python scripts/update_locales.py

Then translate the new entries of locales/vi/LC_MESSAGES/messages.po (the English
catalog may stay empty: English is the source language). tests/locales/test_locales.py fails
while a Vietnamese translation is missing or a placeholder differs.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"


def main() -> int:
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run(
        [
            pybabel,
            "extract",
            "-F",
            str(LOCALES / "babel.cfg"),
            "-k",
            "_",
            "-k",
            "__",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--width",
            "100",
            "--project",
            "Hom thu so",
            "-o",
            str(POT),
            "bot",
            "handlers",
            "cli",
            "services",
            "locales",
            "web",
            "news",
        ],
        cwd=ROOT,
        check=True,
    )
    for language in ("vi", "en"):
        po = LOCALES / language / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        args = [pybabel, command, "-i", str(POT), "-d", str(LOCALES), "-l", language, "-w", "100"]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        subprocess.run(args, cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
