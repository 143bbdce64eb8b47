"""Merge Vietnamese translations into the catalog after re-extracting the messages.

    .venv/bin/python scripts/add_translations.py translations.json

The JSON maps English msgids (as in the code) to their Vietnamese text. Prints the msgids
that still have no translation.
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
VI_PO = ROOT / "locales" / "vi" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_locales.py")],
        check=True,
        capture_output=True,
    )
    new = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    with VI_PO.open("rb") as fp:
        catalog = read_po(fp, locale="vi")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in new:
            message.string = new[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing.append(message.id)
    with VI_PO.open("wb") as fp:
        write_po(fp, catalog, width=100)
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
