"""What handlers answer in a group shares the group's 20 messages a minute with the outbox's
cards; the cards come first.

Handlers answer with the Bot API directly (`message.reply(...)`), not through the outbox.
Each such send to a group passes the outbox's rate limiter as a spare call (`spare_slot`):
it is counted, so the outbox knows the group's room and Telegram never has to refuse a
card; it goes only while half the group's minute is left to the outbox, and after any card
waiting for the group. Past that, the answer goes to the person's private chat with the bot
instead (or, when Telegram refuses that, is dropped, logged): a burst of commands in the
group, from however many people, never queues a new case's card behind its answers. The
outbox's own calls are marked (`OUTBOX_CALL`) and pass as before."""

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    CopyMessage,
    ForwardMessage,
    SendAnimation,
    SendAudio,
    SendContact,
    SendDocument,
    SendLocation,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    SendVenue,
    SendVideo,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType

from bot.outbox.rate_limit import RateLimiter

log = logging.getLogger(__name__)

OUTBOX_CALL: ContextVar[bool] = ContextVar("outbox_call", default=False)
ANSWERING: ContextVar[int | None] = ContextVar("answering", default=None)  # the update's sender
SENDS = (
    SendMessage, SendPhoto, SendDocument, SendMediaGroup, SendVideo, SendAnimation, SendAudio,
    SendVoice, SendLocation, SendVenue, SendContact, CopyMessage, ForwardMessage,
)  # fmt: skip
_IN_GROUP_ONLY = ("reply_parameters", "reply_to_message_id", "message_thread_id")


class GroupAnswers(BaseRequestMiddleware):
    """A request middleware of the bot's session; `limiter` gives the outbox's limiter (the
    sandbox replaces it after the bot is built)."""

    def __init__(self, limiter: Callable[[], RateLimiter]) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        chat_id = getattr(method, "chat_id", None)
        if OUTBOX_CALL.get() or not _a_send(method) or not _group(chat_id):
            return await make_request(bot, method)
        assert isinstance(chat_id, int)
        async with self.limiter().spare_slot(chat_id) as granted:
            if granted:
                return await make_request(bot, method)
        person = ANSWERING.get()
        log.info("group %s is kept for the outbox: an answer goes to %s privately", chat_id, person)
        if person is None:
            return True  # as ForgiveRepeatedRequests does: nothing reads the result
        fields = type(method).model_fields
        private = method.model_copy(
            update={"chat_id": person, **{k: None for k in _IN_GROUP_ONLY if k in fields}}
        )
        try:
            return await make_request(bot, private)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            log.info("the answer for %s was dropped: %s", person, exc.message)
            return True


def _a_send(method: object) -> bool:
    return isinstance(method, SENDS)


def _group(chat_id: object) -> bool:
    return isinstance(chat_id, int) and chat_id < 0
