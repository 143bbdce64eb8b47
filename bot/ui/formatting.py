"""Dates and numbers as Vietnamese readers expect them, in the commune's time zone."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n
from babel.dates import format_date

from services.text import visible

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CAPTION_LIMIT = 1024


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M, %d/%m/%Y")


def local_day(moment: datetime, tz: ZoneInfo) -> str:
    """ "Thứ Sáu, 14/02/2025" — the weekday helps people who count days on a calendar."""
    locale = I18n.get_current(no_error=True)
    language = locale.current_locale if locale else "vi"
    return format_date(moment.astimezone(tz).date(), "EEEE, dd/MM/yyyy", locale=language)


def escape(text: str | None) -> str:
    """HTML-escaped, and without bidi controls or zero-width characters: whatever a resident
    typed (or stored before they were dropped at intake) reads as it is written."""
    return html.escape(visible(text or ""), quote=False)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Plain text cut into pieces Telegram accepts, at paragraph, line or word breaks;
    nothing is dropped."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        window = rest[:limit]
        while utf16_len(window) > limit:
            window = window[:-1]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut < limit // 2:
            cut = len(window)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
