"""gettext catalogs read straight from the .po files (no compile step), Vietnamese first."""

import gettext
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from aiogram.types import TelegramObject
from aiogram.utils.i18n import I18n, I18nMiddleware

from locales.catalogs import DEFAULT_LOCALE, DOMAIN, LOCALES_DIR, all_catalogs


class PoI18n(I18n):
    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        return all_catalogs()

    @contextmanager
    def context(self) -> Generator[I18n, None, None]:
        # ContextInstanceMixin keeps one slot per class; aiogram's gettext reads I18n's.
        token = I18n.set_current(self)
        try:
            yield self
        finally:
            I18n.reset_current(token)


def build_i18n() -> PoI18n:
    return PoI18n(path=LOCALES_DIR, default_locale=DEFAULT_LOCALE, domain=DOMAIN)


class ResidentLocaleMiddleware(I18nMiddleware):
    """The resident's chosen language; Vietnamese for everyone else, whatever their phone."""

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        locale = data.get("locale")
        return locale if locale in self.i18n.available_locales else DEFAULT_LOCALE
