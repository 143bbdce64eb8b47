"""The page's own words, in the page language (the bot's words come from the bot)."""

from typing import Any

from locales.catalogs import translation

LANGUAGES = ("vi", "en")


def _(message: str) -> str:
    """Marks a message for extraction (scripts/update_locales.py); `say` translates it."""
    return message


def say(lang: str, message: str, **values: Any) -> str:
    text = translation(lang if lang in LANGUAGES else "vi").gettext(message)
    return text.format(**values) if values else text


JOB_NAMES = {
    "deadlines": _("Deadline reminders"),
    "escalation": _("Overdue cases to the leaders"),
    "digest": _("Morning digest for the staff group"),
    "apologies": _("Apology letter drafts for overdue cases"),
    "reports": _("Scheduled reports"),
    "report_mail": _("Reports by e-mail"),
    "retention": _("Personal data retention"),
    "backup": _("Database backup"),
}
EMPTY_TEXT = _("Please write something before sending.")
TOO_LONG = _("A message can have at most 4096 characters; this one has {count}.")
CAPTION_TOO_LONG = _("A photo caption can have at most 1024 characters; this one has {count}.")
NOT_AN_IMAGE = _("This file is not a picture: please choose a JPEG, PNG, GIF or WebP image.")
TOO_BIG = _("This picture is larger than 10 MB: please choose a smaller one.")
EMPTY_FILE = _("This file is empty: please choose a picture.")
BAD_REQUEST = _("The sandbox did not understand this request.")
NO_SUCH_CHAT = _("There is no such chat in the sandbox.")
NO_SUCH_MESSAGE = _("The message you are replying to is no longer there.")
NO_SUCH_BUTTON = _("This button is no longer there: the message has changed.")
BAD_LOCATION = _(
    "A location needs a latitude between -90 and 90 and a longitude between -180 and 180."
)
BAD_ADVANCE = _("The clock moves forward by a day, to the next working day, or by a week.")
BAD_LANGUAGE = _("The page speaks Vietnamese (vi) or English (en).")
RESIDENT_LIMIT = _("The sandbox holds at most {count} residents.")
