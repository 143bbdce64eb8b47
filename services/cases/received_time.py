"""When staff say a case was received: "20/11/2026 14:30", "20/11", "hôm qua 9:00", "9:30"
— read as local time; the past is fine, the future never."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.errors import InvalidInput
from services.text import fold

_TIME = r"(?:\s*(?P<h>\d{1,2})\s*(?::|h)\s*(?P<m>\d{2})?)?"
_DATE = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})(?:[/.-](?P<y>\d{4}))?" + _TIME + "$")
_RELATIVE = re.compile(r"^(?P<word>hom qua|hom nay|yesterday|today)?" + _TIME + "$")


def _clock(h: str | None, m: str | None) -> time | None:
    if h is None:
        return None
    hour, minute = int(h), int(m or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput("bad_received_time")
    return time(hour, minute)


def parse_received(raw: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment typed, in UTC-aware form. A day without a time is that day's start (today:
    now). "20/11" in the future means last year's 20/11. Raises InvalidInput otherwise."""
    text = fold(raw)
    today = now.astimezone(tz).date()
    if match := _DATE.match(text):
        try:
            day = date(int(match["y"] or today.year), int(match["mo"]), int(match["d"]))
        except ValueError as exc:
            raise InvalidInput("bad_received_time") from exc
        at = _clock(match["h"], match["m"])
        if match["y"] is None and day > today:
            day = day.replace(year=day.year - 1)
    elif (match := _RELATIVE.match(text)) and (match["word"] or match["h"]):
        day = today - timedelta(days=1) if match["word"] in ("hom qua", "yesterday") else today
        at = _clock(match["h"], match["m"])
    else:
        raise InvalidInput("bad_received_time")
    if at is None:
        moment = now if day == today else datetime.combine(day, time(0, 0), tzinfo=tz)
    else:
        moment = datetime.combine(day, at, tzinfo=tz)
    if moment > now:
        raise InvalidInput("received_in_future")
    return moment
