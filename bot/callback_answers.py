"""Answering a button press only stops the spinner on the button (or shows a short alert);
the work the press asked for is what matters. Telegram refuses a second answer to the same
press, and any answer once the press is too old: both happen when an update is processed
again after a crash (the first run answered, then died before its commit) or late (the bot
was down). The refusal is logged and the handler goes on, instead of failing the press and
losing what the resident asked for."""

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

_STALE = ("query is too old", "query id is invalid")


class ForgiveStaleCallbackAnswers(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not isinstance(method, AnswerCallbackQuery):
                raise
            if not any(words in exc.message.lower() for words in _STALE):
                raise
            log.info("button press %s answered already or too old", method.callback_query_id)
            return True
