"""Telegram refusals that only say a request was done already, forgiven so that the handler
goes on to the work the update asked for instead of failing and losing it.

- Answering a button press only stops the spinner on the button (or shows a short alert).
  Telegram refuses a second answer to the same press, and any answer once the press is too
  old: both happen when an update is processed again after a crash (the first run
  answered, then died before its commit) or late (the bot was down).
- An edit refused as "message is not modified" while an update is processed again: the
  first run made that edit before it died. (Outside a second run the refusal stays an error:
  the error handler treats it as a button pressed twice.)"""

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from bot.updates import transaction as update_transaction

log = logging.getLogger(__name__)

_STALE = ("query is too old", "query id is invalid")
_EDITS = (EditMessageText, EditMessageCaption, EditMessageMedia, EditMessageReplyMarkup)


def _done_already(method: TelegramMethod[Any], refusal: str) -> bool:
    if isinstance(method, AnswerCallbackQuery):
        return any(words in refusal for words in _STALE)
    if isinstance(method, _EDITS):
        return "message is not modified" in refusal and update_transaction.processing_again()
    return False


class ForgiveRepeatedRequests(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not _done_already(method, exc.message.lower()):
                raise
            log.info("%s: done already (%s)", type(method).__name__, exc.message)
            return True
