"""FakeTelegram: a local, strict Bot API server plus the controls tests drive it with."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from bot.emulator.faults import Faults, RateLimiter
from bot.emulator.server import BotApiServer
from bot.emulator.service import bot_membership_changed, migrate_chat, service_message
from bot.emulator.state import ChatState, State, UserState, default_clock
from bot.emulator.users.actors import FakeChat, FakeUser
from bot.emulator.users.observer import Observer
from bot.emulator.webhook_delivery import WebhookDelivery

if TYPE_CHECKING:
    from aiogram import Bot

DEFAULT_TOKEN = "123456789:AAtest-token_for_fake_server_000000"


class FakeTelegram(Observer):
    """One fake Telegram per test. `await start()`, point aiogram at `base_url`, `await stop()`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "homthuso_test_bot",
        bot_name: str = "Hòm thư số",
        privacy_mode: bool = True,
        strict_ampersand: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not re.fullmatch(r"\d+:[\w-]+", token):
            raise ValueError(f"not a bot token: {token!r}")
        self.state = State(token, bot_username, bot_name, clock or default_clock)
        self.state.privacy_mode = privacy_mode
        self.state.strict_ampersand = strict_ampersand
        self.faults = Faults()
        self.server = BotApiServer(self.state, self.faults)
        self.webhooks = WebhookDelivery(self.state)

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        await self.server.start()
        self.webhooks.start()
        return self

    async def stop(self) -> None:
        await self.webhooks.stop()
        await self.server.stop()

    def route_webhook(self, public_prefix: str, local_base: str) -> None:
        """Where an https webhook address really listens, e.g. https://pakn.example.gov.vn
        → http://127.0.0.1:8443; updates are posted there while a webhook is set."""
        self.webhooks.route(public_prefix, local_base)

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot_id(self) -> int:
        return self.state.bot.id

    @property
    def bot_username(self) -> str:
        return self.state.bot.username or ""

    @property
    def privacy_mode(self) -> bool:
        return self.state.privacy_mode

    @privacy_mode.setter
    def privacy_mode(self, enabled: bool) -> None:
        self.state.privacy_mode = enabled

    def bot(self, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this server (kwargs go to Bot, e.g. default=...)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        session = AiohttpSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(self.token, session=session, **kwargs)

    # people and chats ----------------------------------------------------------------------
    def add_user(
        self,
        first_name: str = "Người dân",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        *,
        started: bool = False,
    ) -> FakeUser:
        """A user with a private chat (id = user id). started=True: as if they had written."""
        user = UserState(
            self.state.next_id("user", 100_001), first_name, last_name, username, language_code
        )
        self.state.users[user.id] = user
        self.state.chats[user.id] = ChatState(user.id, "private", user=user, started=started)
        return FakeUser(self.state, user)

    def user(self, user_id: int) -> FakeUser:
        return FakeUser(self.state, self.state.users[user_id])

    def add_group(
        self,
        title: str = "Tổ xử lý PAKN",
        *,
        supergroup: bool = False,
        bot_is_admin: bool = False,
        members: Iterable[FakeUser] = (),
        added_by: FakeUser | None = None,
    ) -> FakeChat:
        """A group with the bot in it. added_by: also deliver what Telegram sends when a user
        adds the bot (a `my_chat_member` update and a `new_chat_members` message)."""
        if supergroup:
            chat_id = -self.state.next_id("supergroup", 1_002_100_000_001)
        else:
            chat_id = -self.state.next_id("group", 4_100_000_001)
        chat = ChatState(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title,
            bot_status="administrator" if bot_is_admin else "member",
            members={m.id for m in members},
        )
        self.state.chats[chat_id] = chat
        if added_by is not None:
            chat.members.add(added_by.id)
            actor = added_by.as_dict()
            bot_membership_changed(self.state, chat, actor, "left", chat.bot_status)
            service_message(
                self.state, chat, actor, {"new_chat_members": [self.state.bot.as_dict()]}
            )
        return FakeChat(self.state, chat_id)

    def group(self, chat_id: int) -> FakeChat:
        return FakeChat(self.state, chat_id)

    def redeliver(self, update: dict[str, Any]) -> None:
        """Send an update again, same update_id (see UpdateQueue.requeue)."""
        self.state.updates.requeue(update)

    def inject_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (give it everything but update_id); returns it with its id."""
        return self.state.updates.push(body)

    # faults ---------------------------------------------------------------------------------
    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next `count` calls of `method` (any method but getUpdates if None) fail."""
        self.faults.add(method, status, retry_after, count, description)

    def rate_limit(
        self,
        per_second: int | None = 30,
        *,
        per_chat_per_second: int | None = None,
        per_group_per_minute: int | None = None,
    ) -> None:
        """Answer 429 to send* calls above these rates; rate_limit(None) turns it off."""
        limits = (per_second, per_chat_per_second, per_group_per_minute)
        self.faults.limiter = RateLimiter(*limits) if any(x is not None for x in limits) else None

    def _private(self, user: FakeUser) -> ChatState:
        return self.state.chats[user.id]

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: sends get 403, and a `my_chat_member` update arrives."""
        chat = self._private(user)
        if not chat.blocked:
            chat.blocked = True
            bot_membership_changed(self.state, chat, user.as_dict(), "member", "kicked")

    def unblock(self, user: FakeUser) -> None:
        chat = self._private(user)
        if chat.blocked:
            chat.blocked = False
            bot_membership_changed(self.state, chat, user.as_dict(), "kicked", "member")

    def deactivate(self, user: FakeUser) -> None:
        """The account is deleted: sends get 403 "user is deactivated"."""
        self._private(user).deactivated = True

    def _actor(self, chat: ChatState, by: FakeUser | None) -> dict[str, Any]:
        if by is not None:
            return by.as_dict()
        for member_id in sorted(chat.members):
            return self.state.users[member_id].as_dict()
        return self.add_user("Quản trị viên", language_code=None).as_dict()

    def migrate(self, group: FakeChat, *, by: FakeUser | None = None) -> int:
        """Upgrade a basic group to a supergroup; returns the new id (group.id follows it)."""
        chat = group.chat
        if chat.type != "group":
            raise AssertionError(f"only basic groups migrate, not {chat.type} {chat.id}")
        return migrate_chat(self.state, chat, self._actor(chat, by)).id

    def remove_bot(
        self, group: FakeChat, *, by: FakeUser | None = None, status: str = "kicked"
    ) -> None:
        """Kick the bot (or status="left"); later sends get 403."""
        chat = group.chat
        old, chat.bot_status = chat.bot_status, status
        bot_membership_changed(self.state, chat, self._actor(chat, by), old, status)
