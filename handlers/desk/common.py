"""Turning the desk's domain errors into short, clear answers for staff."""

from aiogram.types import CallbackQuery
from aiogram.utils.i18n import gettext as _

from bot.ui.formatting import escape
from bot.ui.labels import status_label
from models import TicketStatus
from services.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTicketCode,
    NotAuthorized,
    TicketNotFound,
    TransitionRefused,
)


def explain(error: DomainError) -> str:
    if isinstance(error, NotAuthorized):
        return _(
            "You are not allowed to do this. Only staff of the commune, with the right role, can."
        )
    if isinstance(error, Conflict):
        return _(
            "Someone else has just acted on {code}; the card now shows where it stands."
        ).format(code=error.args[0])
    if isinstance(error, TransitionRefused):
        code, status, _action = error.args
        return _("{code} is “{status}”: that cannot be done any more.").format(
            code=code, status=status_label(TicketStatus(status))
        )
    if isinstance(error, TicketNotFound):
        return _("No case {code} here.").format(code=escape(str(error)))
    if isinstance(error, InvalidTicketCode):
        return _("“{code}” is not a case code. Codes look like PA24-0042.").format(
            code=escape(str(error)[:40])
        )
    if isinstance(error, InvalidInput):
        return {
            "text_required": _("Please add the text."),
            "text_too_long": _("That is too long. Please keep it under 8,000 characters."),
            "already_assigned": _("That person already handles this case."),
            "staff_not_found": _("No staff member matches that name."),
            "staff_ambiguous": _(
                "Several staff members match; write more of the name, or @username."
            ),
            "extension_not_later": _("The new due date must be later than the current one."),
            "merge_target": _("A case can only be merged into another case of the same commune."),
            "ambiguous_code": _("You work for several communes; use the button on the card."),
            "assignee of another commune": _("That person is not staff of this commune."),
            "bad_date": _("Write the new date as dd/mm/yyyy, or +N for N working days."),
            "answer_how_required": _(
                "This citizen has no Telegram: tap 💬 Reply or ✔️ Done on the card to record "
                "how the answer was given."
            ),
            "category_not_found": _(
                "No field matches that name; for example: dat_dai, moi_truong, khac."
            ),
        }.get(str(error), _("That input is not valid."))
    return _("That cannot be done.")


def pressed_in_group(query: CallbackQuery) -> int | None:
    """The staff group a button was pressed in; None in a private chat."""
    chat = query.message.chat if query.message is not None else None
    return chat.id if chat is not None and chat.type != "private" else None
