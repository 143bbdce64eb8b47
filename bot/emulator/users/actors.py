"""FakeUser: the handle tests use to act as a resident or a staff member."""

from __future__ import annotations

from typing import Any

from bot.emulator.state import ChatState, State, StoredMessage, UserState
from bot.emulator.users.group_chat import FakeChat, bot_messages, next_bot_message
from bot.emulator.users.inject import Date, user_edits, user_presses, user_writes
from bot.emulator.users.keyboards import find_button
from bot.emulator.users.media import MediaActions

__all__ = ["FakeChat", "FakeUser"]


class FakeUser(MediaActions):
    """A Telegram user. Every action injects the update Telegram would deliver."""

    def __init__(self, state: State, user: UserState) -> None:
        self._state, self.user = state, user

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def first_name(self) -> str:
        return self.user.first_name

    @property
    def last_name(self) -> str | None:
        return self.user.last_name

    @property
    def username(self) -> str | None:
        return self.user.username

    @property
    def language_code(self) -> str | None:
        return self.user.language_code

    @property
    def private_chat(self) -> ChatState:
        return self._state.chats[self.user.id]

    def as_dict(self) -> dict[str, Any]:
        return self.user.as_dict()

    def _chat(self, chat: FakeChat | int | None) -> ChatState:
        if chat is None:
            return self.private_chat
        chat_id = chat.id if isinstance(chat, FakeChat) else int(chat)
        if chat_id not in self._state.chats:
            raise AssertionError(f"unknown chat {chat_id}")
        target = self._state.chats[chat_id]
        while target.migrated_to is not None:  # members moved on to the supergroup
            target = self._state.chats[target.migrated_to]
        return target

    def _write(
        self,
        fields: dict[str, Any],
        chat: FakeChat | int | None,
        date: Date,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        target = self._chat(chat)
        stored = None
        if reply_to is not None:
            target = self._chat(reply_to["chat"]["id"])
            stored = self._stored(target, reply_to["message_id"])
        return user_writes(self._state, self.user, target, fields, date=date, reply_to=stored)

    def _stored(self, chat: ChatState, message_id: int) -> StoredMessage:
        stored = chat.live(message_id)
        if stored is None:
            raise AssertionError(f"message #{message_id} does not exist in chat {chat.id}")
        return stored

    def send(
        self,
        text: str,
        *,
        chat: FakeChat | int | None = None,
        date: Date = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A text message; "/start payload" and other commands get a bot_command entity."""
        return self._write({"text": text}, chat, date, reply_to)

    def start(self, payload: str | None = None, *, date: Date = None) -> dict[str, Any]:
        return self.send(f"/start {payload}" if payload else "/start", date=date)

    def reply(self, to_message: dict[str, Any], text: str, *, date: Date = None) -> dict[str, Any]:
        return self._write({"text": text}, None, date, reply_to=to_message)

    def edit(self, message: dict[str, Any], text: str, *, date: Date = None) -> dict[str, Any]:
        """Edit one of this user's text messages (an `edited_message` update)."""
        chat = self._chat(message["chat"]["id"])
        return user_edits(self._state, chat, message["message_id"], text, date)

    def tap(self, text: str, *, chat: FakeChat | int | None = None) -> dict[str, Any]:
        """Press a button the bot showed: inline → callback_query; reply keyboard → message."""
        target = self._chat(chat)
        button = find_button(target, text)
        if button.inline:
            data = button.data.get("callback_data")
            if data is None:
                raise AssertionError(f"button {text!r} is not a callback button: {button.data}")
            return user_presses(self._state, self.user, target, button.message, data)
        if button.data.get("request_contact"):
            return self.send_contact(own=True, chat=chat)
        if button.data.get("request_location"):
            return self.send_location(chat=chat)
        return self.send(button.data["text"], chat=chat)

    def press(
        self,
        message: dict[str, Any] | int,
        callback_data: str,
        *,
        chat: FakeChat | int | None = None,
    ) -> dict[str, Any]:
        """A raw callback_query on a message, with any data (forged or stale)."""
        if isinstance(message, dict):
            target, message_id = self._chat(message["chat"]["id"]), message["message_id"]
        else:
            target, message_id = self._chat(chat), message
        stored = self._stored(target, message_id)
        return user_presses(self._state, self.user, target, stored, callback_data)

    def sent_messages(self, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Bot messages in this user's private chat (current state)."""
        return bot_messages(self.private_chat, include_deleted)

    async def next_message(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        return await next_bot_message(self._state, lambda: self.private_chat, timeout)

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, first_name={self.first_name!r})"
