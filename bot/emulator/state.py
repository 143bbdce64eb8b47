"""Everything the fake server knows: users, chats, messages, files, callbacks, settings."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import ApiError
from bot.emulator.updates import UpdateQueue

Clock = Callable[[], float]


@dataclass
class UserState:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class StoredMessage:
    data: dict[str, Any]  # the Message exactly as the Bot API returns it
    from_bot: bool
    html: str | None = None  # HTML source the bot sent (or the escaped plain text)
    markup: dict[str, Any] | None = None  # reply_markup as sent, reply keyboards included
    deleted: bool = False

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])


@dataclass
class ChatState:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    user: UserState | None = None  # the other side of a private chat
    bot_status: str = "member"  # member, administrator, left, kicked
    started: bool = False  # private: the user has written to the bot
    blocked: bool = False
    deactivated: bool = False
    migrated_to: int | None = None
    members: set[int] = field(default_factory=set)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    bot_messages: list[int] = field(default_factory=list)  # in sending order
    cursor: int = 0  # next_message() position in bot_messages
    next_message_id: int = 1
    reply_keyboard: tuple[int, dict[str, Any]] | None = None  # (message_id, markup) shown

    def as_dict(self) -> dict[str, Any]:
        if self.user is None:
            return {"id": self.id, "type": self.type, "title": self.title}
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("first_name", "last_name", "username"):
            if getattr(self.user, key):
                data[key] = getattr(self.user, key)
        return data

    def new_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1

    def live(self, message_id: int) -> StoredMessage | None:
        stored = self.messages.get(message_id)
        return None if stored is None or stored.deleted else stored


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


_FILE_PREFIX = {
    "photo": "AgAC",
    "document": "BQAC",
    "video": "BAAC",
    "voice": "AwAC",
    "audio": "CQAC",
    "sticker": "CAAC",
    "animation": "CgAC",
}
_EXTENSION = {"photo": "jpg", "video": "mp4", "voice": "oga", "audio": "mp3", "sticker": "webp"}


class FileStore:
    def __init__(self) -> None:
        self._files: dict[str, FileRecord] = {}
        self._by_path: dict[str, FileRecord] = {}
        self._count = 0

    def add(
        self, kind: str, data: bytes, *, file_name: str | None = None, mime_type: str | None = None
    ) -> FileRecord:
        self._count += 1
        n = self._count
        ext = _EXTENSION.get(kind) or (
            file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        )
        folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, kind + "s")
        record = FileRecord(
            file_id=f"{_FILE_PREFIX.get(kind, 'BQAC')}AgIAAxkBAAI{n:08d}fake{kind}",
            file_unique_id=f"AQAD{n:08d}",
            file_path=f"{folder}/file_{n}.{ext}",
            data=data,
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[record.file_id] = record
        self._by_path[record.file_path] = record
        return record

    def get(self, file_id: str) -> FileRecord | None:
        return self._files.get(file_id)

    def by_path(self, path: str) -> FileRecord | None:
        return self._by_path.get(path)


@dataclass
class CallbackRecord:
    query: dict[str, Any]
    answer: dict[str, Any] | None = None
    answered: bool = False


class State:
    """All server-side state. Methods mutate it; `notify()` wakes anyone waiting on a change."""

    def __init__(self, token: str, bot_username: str, bot_name: str, clock: Clock) -> None:
        self.token = token
        self.clock = clock
        self.bot = UserState(
            int(token.split(":", 1)[0]), bot_name, username=bot_username, is_bot=True
        )
        self.privacy_mode = True
        self.strict_ampersand = True
        self.users: dict[int, UserState] = {}
        self.chats: dict[int, ChatState] = {}
        self.files = FileStore()
        self.photo_sets: dict[str, list[dict[str, Any]]] = {}  # any size's file_id -> all sizes
        self.updates = UpdateQueue()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (kind, language) -> description/name
        self.webhook: dict[str, Any] | None = None
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.errors: list[tuple[str, dict[str, Any], ApiError]] = []
        self.crashes: list[tuple[str, dict[str, Any], Exception]] = []  # bugs in the fake itself
        self.chat_actions: list[tuple[int, str]] = []
        self.withheld: list[dict[str, Any]] = []  # group messages privacy mode kept from the bot
        self._listeners: set[asyncio.Future[None]] = set()
        self._counters: dict[str, int] = {}

    def now(self) -> int:
        return int(self.clock())

    def chat(self, chat_id: int) -> ChatState | None:
        return self.chats.get(chat_id)

    def user_dict(self, user_id: int) -> dict[str, Any] | None:
        user = self.users.get(user_id)
        return user.as_dict() if user else None

    def next_id(self, counter: str, start: int) -> int:
        """start, start + 1, … for each named counter."""
        value = self._counters.get(counter, start)
        self._counters[counter] = value + 1
        return value

    def notify(self) -> None:
        for listener in self._listeners:
            if not listener.done():
                listener.set_result(None)
        self._listeners.clear()

    async def changed(self, seconds: float) -> None:
        """Return at the next change, or after `seconds`."""
        listener: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._listeners.add(listener)
        try:
            await asyncio.wait_for(listener, seconds)
        except TimeoutError:
            self._listeners.discard(listener)


def default_clock() -> float:
    return time.time()
