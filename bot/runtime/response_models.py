"""aiogram validates each Bot API answer with `Response[<the method's return type>]`, a
pydantic generic model. Pydantic keeps parametrized generics in a weak cache, and these
classes live in reference cycles, so every garbage collection drops them and the next call
builds the class again: 5–10 ms of schema building for one answer, more than all the rest of
handling an update. Holding one reference per method keeps each built once."""

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class KeepResponseModels(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.kept: dict[type[TelegramMethod[Any]], type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self.kept:
            # built at run time from the method's class: a value, not a type to check
            self.kept[kind] = cast(Any, Response)[method.__returning__]
        return await make_request(bot, method)
