"""FakeChat (a group handle) and reading the bot's messages in a chat."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.emulator.content import describe, observed
from bot.emulator.state import ChatState, State


class FakeChat:
    """A group or supergroup. After `FakeTelegram.migrate`, `id` is the supergroup's."""

    def __init__(self, state: State, chat_id: int) -> None:
        self._state, self._id = state, chat_id

    @property
    def id(self) -> int:
        chat_id = self._id
        while (chat := self._state.chats[chat_id]).migrated_to is not None:
            chat_id = chat.migrated_to
        return chat_id

    @property
    def chat(self) -> ChatState:
        return self._state.chats[self.id]

    @property
    def title(self) -> str | None:
        return self.chat.title

    @property
    def type(self) -> str:
        return self.chat.type

    def as_dict(self) -> dict[str, Any]:
        return self.chat.as_dict()

    def sent_messages(self, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        return bot_messages(self.chat, include_deleted)

    async def next_message(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        return await next_bot_message(self._state, lambda: self.chat, timeout)

    def __repr__(self) -> str:
        return f"FakeChat(id={self.id}, type={self.type!r}, title={self.title!r})"


def bot_messages(chat: ChatState, include_deleted: bool = False) -> list[dict[str, Any]]:
    stored = (chat.messages[mid] for mid in chat.bot_messages)
    return [observed(s) for s in stored if include_deleted or not s.deleted]


async def next_bot_message(state: State, get_chat: Any, seconds: float) -> dict[str, Any]:
    """The next bot message in the chat not yet returned by this cursor."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        chat: ChatState = get_chat()
        if chat.cursor < len(chat.bot_messages):
            chat.cursor += 1
            return observed(chat.messages[chat.bot_messages[chat.cursor - 1]])
        remaining = deadline - loop.time()
        if remaining <= 0:
            seen = [describe(chat.messages[mid]) for mid in chat.bot_messages]
            raise AssertionError(
                f"no new bot message in chat {chat.id} within {seconds}s; all bot messages "
                f"there ({chat.cursor} already consumed):\n  " + ("\n  ".join(seen) or "(none)")
            )
        await state.changed(min(remaining, 0.05))
