"""The apology letter's default wording (thư xin lỗi), kept in the locale files like every
other string and always filled in Vietnamese: it is the commune's official letter. No
aiogram here, so the services can draft letters outside the bot."""

from dataclasses import dataclass

from locales.catalogs import DEFAULT_LOCALE, translation


def _(message: str) -> str:
    return translation(DEFAULT_LOCALE).gettext(message)


@dataclass(frozen=True)
class LetterFacts:
    resident_name: str | None
    commune: str  # "xã Thống Nhất"
    code: str
    received: str  # dd/mm/yyyy, local
    due: str
    promise: str


def signature(commune: str) -> str:
    return _("ON BEHALF OF THE PEOPLE'S COMMITTEE OF {commune}").format(commune=commune)


def default_letter(facts: LetterFacts) -> str:
    resident = (
        _("Mr/Ms {name}").format(name=facts.resident_name)
        if facts.resident_name
        else _("Sir or Madam")
    )
    body = _(
        "Dear {resident},\n\n"
        "The People's Committee of {commune} sincerely apologises to you for the late answer "
        "to your case {code}, received on {received}. The answer was due on {due}, and we "
        "have not yet been able to give it.\n\n"
        "Reason for the delay: {reason}\n\n"
        "We promise to answer you before {promise}. Thank you for your patience and "
        "understanding."
    ).format(
        resident=resident,
        commune=facts.commune,
        code=facts.code,
        received=facts.received,
        due=facts.due,
        reason=_(
            "checking and settling the matter has needed more time and work with other bodies."
        ),
        promise=facts.promise,
    )
    return f"{body}\n\n{signature(facts.commune)}"
