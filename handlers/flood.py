"""Residents who flood the bot are slowed down, one person at a time.

In a private chat, a person may send RESIDENT_MESSAGES_PER_MINUTE messages and button
presses in any sliding minute. The first one past that gets one polite message saying it was
not taken; the rest are dropped without a word (a pressed button is still answered, so its
spinner stops) until the minute frees. Staff are never limited, in their group or in private,
where desk work is quick taps; asking who is staff costs a query only past the limit.
The windows live in process memory, bounded: people idle for a minute are forgotten; a
restart forgets everyone, which only lets a flooder start over. A message without a sender
(Telegram sends none outside channels) is dropped here too. An album (up to ten
messages sharing a media_group_id) counts once: sending 30 photos is not flooding.
"""

import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from config.context import AppContext
from services.people import staff

PERIOD = 60.0  # seconds: "per minute"
KEPT_ALBUMS = 8  # recent albums per person whose verdict the rest of the album shares
MAX_TRACKED = 100_000  # people remembered at once; beyond, the least recently seen go first
log = logging.getLogger(__name__)


class Verdict(Enum):
    PASS = "pass"
    WARN = "warn"  # refused, and the person is told (once a window)
    DROP = "drop"  # refused silently


@dataclass
class _Track:
    taken: deque[float] = field(default_factory=deque)  # when admitted updates came
    warned_at: float | None = None
    seen: float = 0.0
    albums: OrderedDict[str, Verdict] = field(default_factory=OrderedDict)


class FloodGate:
    """Sliding windows keyed by Telegram user id. Only admitted updates count, so someone
    who keeps flooding still gets `limit` updates a minute through, and one warning."""

    def __init__(self, period: float = PERIOD, max_tracked: int = MAX_TRACKED) -> None:
        self.period = period
        self.max_tracked = max_tracked
        self._tracks: OrderedDict[int, _Track] = OrderedDict()  # least recently seen first

    def __len__(self) -> int:
        return len(self._tracks)

    def check(self, user_id: int, limit: int, now: float, album: str | None = None) -> Verdict:
        track = self._tracks.pop(user_id, None) or _Track()
        self._tracks[user_id] = track  # now the most recently seen
        track.seen = now
        self._forget_idle(now)
        if album is not None and album in track.albums:
            return Verdict.PASS if track.albums[album] is Verdict.PASS else Verdict.DROP
        verdict = self._count(track, limit, now)
        if album is not None:
            track.albums[album] = verdict
            while len(track.albums) > KEPT_ALBUMS:
                track.albums.popitem(last=False)
        return verdict

    def _count(self, track: _Track, limit: int, now: float) -> Verdict:
        while track.taken and track.taken[0] <= now - self.period:
            track.taken.popleft()
        if len(track.taken) < limit:
            track.taken.append(now)
            return Verdict.PASS
        if track.warned_at is not None and now - track.warned_at < self.period:
            return Verdict.DROP
        track.warned_at = now
        return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        """Someone unseen for a period has an empty window: forgetting them loses nothing."""
        while len(self._tracks) > 1:
            user_id, oldest = next(iter(self._tracks.items()))
            if oldest.seen > now - self.period and len(self._tracks) <= self.max_tracked:
                return
            del self._tracks[user_id]


def _private_sender(event: TelegramObject) -> int | None:
    if isinstance(event, Message):
        chat, user = event.chat, event.from_user
    elif isinstance(event, CallbackQuery) and event.message is not None:
        chat, user = event.message.chat, event.from_user
    else:
        return None
    if chat.type != "private" or user is None or user.is_bot:
        return None
    return user.id


def slow_down_text() -> str:
    return _(
        "You are sending messages too fast, so your last message was not received. Please wait "
        "about a minute, then send it again; what you send before then will not be received "
        "either."
    )


class FloodMiddleware(BaseMiddleware):
    """An outer middleware for messages and callback queries; one gate for both."""

    def __init__(self, gate: FloodGate | None = None) -> None:
        self.gate = gate or FloodGate()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.from_user is None:
            return None  # only channels post without a sender: nobody here to answer
        user_id = _private_sender(event)
        ctx: AppContext | None = data.get("ctx")
        if user_id is None or ctx is None:
            return await handler(event, data)
        limit = ctx.settings.resident_messages_per_minute
        album = event.media_group_id if isinstance(event, Message) else None
        verdict = self.gate.check(user_id, limit, ctx.clock.now().timestamp(), album)
        if verdict is Verdict.PASS or await self._is_staff(data, user_id):
            return await handler(event, data)
        log.info("user %s is over %s updates a minute: update dropped", user_id, limit)
        await self._refuse(event, data["bot"], user_id, warn=verdict is Verdict.WARN)
        return None  # handled: nothing else happens, nothing is written

    @staticmethod
    async def _is_staff(data: dict[str, Any], user_id: int) -> bool:
        session = data.get("session")
        return session is not None and bool(await staff.memberships(session, user_id))

    async def _refuse(self, event: TelegramObject, bot: Bot, user_id: int, *, warn: bool) -> None:
        """Telegram failing here must not fail the update: the person is flooding anyway."""
        try:
            if isinstance(event, CallbackQuery):
                await event.answer()
            if warn:
                await bot.send_message(user_id, slow_down_text())
        except TelegramAPIError as exc:
            log.warning("could not slow down user %s: %s", user_id, type(exc).__name__)
