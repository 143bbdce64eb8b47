"""The .po catalogs compiled in memory; no aiogram here, so the CLI starts fast."""

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


def compile_catalog(po_path: Path) -> gettext.GNUTranslations:
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=po_path.parent.parent.name)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def all_catalogs() -> dict[str, gettext.GNUTranslations]:
    return {
        po.parent.parent.name: compile_catalog(po)
        for po in sorted(LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


@cache
def translation(language: str = DEFAULT_LOCALE) -> gettext.GNUTranslations:
    return compile_catalog(LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po")
