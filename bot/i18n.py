"""gettext catalogs read straight from the .po files (no compile step), Vietnamese first."""

import gettext
from collections.abc import Generator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from models import Resident

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "vi"
DOMAIN = "messages"


class PoI18n(I18n):
    @contextmanager
    def context(self) -> Generator[I18n, None, None]:
        # ContextInstanceMixin keeps one slot per class; aiogram's gettext reads I18n's.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for po_path in sorted(self.path.glob(f"*/LC_MESSAGES/{self.domain}.po")):
            with po_path.open("rb") as fp:
                catalog = read_po(fp, locale=po_path.parent.parent.name)
            buffer = BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations[po_path.parent.parent.name] = gettext.GNUTranslations(buffer)
        return translations


def build_i18n() -> PoI18n:
    return PoI18n(path=LOCALES_DIR, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


class ResidentLocaleMiddleware(I18nMiddleware):
    """The resident's chosen language; Vietnamese for everyone else, whatever their phone."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        resident: Resident | None = data.get("resident")
        if resident is not None and resident.language in self.i18n.available_locales:
            return resident.language
        return DEFAULT_LOCALE
