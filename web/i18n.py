"""The page's language: Vietnamese unless the resident chose English (a cookie), through the
same catalogs as the bot (locales/)."""

from starlette.requests import Request

from locales.catalogs import DEFAULT_LOCALE

LANGUAGES = ("vi", "en")
COOKIE = "lang"


def request_language(request: Request) -> str:
    chosen = request.cookies.get(COOKIE, DEFAULT_LOCALE)
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE
