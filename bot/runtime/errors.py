"""One place where failures become polite replies; the details go to the log."""

import contextlib
import logging

from aiogram import Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

from bot.updates import transaction as update_transaction
from bot.updates.transient import passing_database_fault

router = Router(name="errors")
log = logging.getLogger(__name__)


def _double_tap(error: Exception) -> bool:
    """Editing a message into what it already says: a button pressed twice, nothing lost."""
    return isinstance(error, TelegramBadRequest) and "message is not modified" in error.message


def _tried_again(event: ErrorEvent) -> bool:
    """A passing database fault with attempts left: the update runner tries the update again
    in a moment, so the person is not told of a failure they will not see."""
    return passing_database_fault(event.exception) and update_transaction.may_retry()


@router.errors(lambda event: not _tried_again(event))
async def on_error(event: ErrorEvent) -> None:
    if _double_tap(event.exception):
        log.info("update %s changed nothing: %s", event.update.update_id, event.exception)
        if event.update.callback_query is not None:
            with contextlib.suppress(TelegramAPIError):  # answered already, most likely
                await event.update.callback_query.answer()
        return
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    text = _(
        "Sorry, something went wrong on our side. Nothing you sent is lost; "
        "please try again in a minute."
    )
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(text[:200], show_alert=True)
        elif event.update.message is not None:
            await event.update.message.answer(text)
    except Exception:  # the reply itself failed (Telegram down): the log has it
        log.warning(
            "could not tell the user about the failure of update %s", event.update.update_id
        )
