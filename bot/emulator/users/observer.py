"""Read-only views of the fake's state for assertions, and waiting for conditions."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Callable
from typing import Any

from bot.emulator.content import observed
from bot.emulator.state import ChatState, State
from bot.emulator.users.actors import FakeUser
from bot.emulator.users.group_chat import FakeChat, bot_messages

ChatLike = FakeUser | FakeChat | int


class Observer:
    """Mixed into FakeTelegram: everything tests read back."""

    state: State

    def _chat_state(self, chat: ChatLike) -> ChatState:
        if isinstance(chat, FakeUser):
            return self.state.chats[chat.id]
        chat_id = chat.id if isinstance(chat, FakeChat) else int(chat)
        if chat_id not in self.state.chats:
            raise AssertionError(f"unknown chat {chat_id}")
        return self.state.chats[chat_id]

    def sent_messages(
        self, chat: ChatLike, *, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """Bot messages in the chat, oldest first, as they are now (after edits)."""
        return bot_messages(self._chat_state(chat), include_deleted)

    def history(self, chat: ChatLike) -> list[dict[str, Any]]:
        """Every message in the chat (users', bot's, service), oldest first."""
        stored = self._chat_state(chat).messages
        return [observed(stored[mid]) for mid in sorted(stored)]

    def message(self, chat: ChatLike, message_id: int) -> dict[str, Any]:
        stored = self._chat_state(chat).messages.get(message_id)
        if stored is None:
            raise AssertionError(f"no message #{message_id} in chat {chat}")
        return observed(stored)

    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        """(method, params) for every API call, in order; method names as documented."""
        return list(self.state.calls)

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.state.calls if name.lower() == method.lower()]

    @property
    def errors(self) -> list[tuple[str, int, str]]:
        """(method, status, description) for every call answered with an error."""
        return [(name, error.status, error.description) for name, _, error in self.state.errors]

    @property
    def callback_answers(self) -> dict[str, dict[str, Any] | None]:
        """query id -> answerCallbackQuery params, or None while unanswered."""
        return {qid: record.answer for qid, record in self.state.callbacks.items()}

    def unanswered_callbacks(self) -> list[dict[str, Any]]:
        return [r.query for r in self.state.callbacks.values() if not r.answered]

    def commands(self, scope: Any = None, language_code: str | None = None) -> list[dict[str, str]]:
        """Commands set for a scope (a dict or an aiogram BotCommandScope) and language."""
        if hasattr(scope, "model_dump"):
            scope = scope.model_dump(exclude_none=True)
        scope = dict(scope or {"type": "default"})
        kept = {k: scope[k] for k in ("type", "chat_id", "user_id") if k in scope}
        key = (json.dumps(kept, sort_keys=True), language_code or "")
        return [dict(c) for c in self.state.commands.get(key, [])]

    def bot_text(self, kind: str = "description", language_code: str | None = None) -> str | None:
        """What setMyDescription / setMyShortDescription / setMyName stored."""
        return self.state.bot_texts.get((kind, language_code or ""))

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        return list(self.state.chat_actions)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot."""
        return self.state.updates.pending

    @property
    def delivered_updates(self) -> list[dict[str, Any]]:
        return list(self.state.updates.delivered)

    @property
    def withheld(self) -> list[dict[str, Any]]:
        """Group messages the bot never received (privacy mode, or not a member)."""
        return list(self.state.withheld)

    @property
    def webhook(self) -> dict[str, Any] | None:
        return self.state.webhook

    def file_bytes(self, file_id: str) -> bytes:
        record = self.state.files.get(file_id)
        if record is None:
            raise AssertionError(f"unknown file_id {file_id!r}")
        return record.data

    async def wait_until(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109
        message: str | None = None,
    ) -> Any:
        """Wait until `predicate()` (sync or async) is truthy; returns its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(message or f"condition not met within {timeout}s")
            await self.state.changed(min(remaining, 0.02))
