"""The page's language: Vietnamese unless the resident chose English (a cookie), through the
same catalogs as the bot (locales/)."""

from collections.abc import Callable

from starlette.requests import Request

from locales.catalogs import DEFAULT_LOCALE, translation

LANGUAGES = ("vi", "en")
COOKIE = "lang"


def request_language(request: Request) -> str:
    chosen = request.cookies.get(COOKIE, DEFAULT_LOCALE)
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


def gettext_for(language: str) -> Callable[[str], str]:
    return translation(language).gettext
