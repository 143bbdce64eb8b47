"""Sends what the outbox holds: woken at once after each update, swept periodically for
rows written by other processes (the CLI). At least once: a part is marked sent only after
Telegram confirmed it, so a crash can repeat at most the part that was in flight."""

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    InputMediaPhoto,
    InputMediaVideo,
    Message,
    ReplyParameters,
)
from aiogram.utils.i18n import I18n
from sqlalchemy import update
from sqlmodel import col, select

from bot.compose import Outgoing, compose
from bot.context import AppContext
from models import (
    Commune,
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Resident,
    Staff,
)
from services import messages, reachability
from services import residents as resident_service
from services import staff as staff_service

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
UNBOUND_GROUP_RETRY = timedelta(minutes=1)
IDLE_SWEEP_SECONDS = 5.0


class Outbox:
    def __init__(self, bot: Bot, ctx: AppContext, i18n: I18n) -> None:
        self.bot = bot
        self.ctx = ctx
        self.i18n = i18n
        self._wakeup = asyncio.Event()
        self._stopped = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wakeup.set()

    async def run(self) -> None:
        while not self._stopped.is_set():
            self._wakeup.clear()
            try:
                delivered = await self.deliver_due()
            except Exception:
                log.exception("outbox sweep failed; retrying shortly")
                delivered = 0
            if delivered:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=IDLE_SWEEP_SECONDS)

    async def deliver_due(self, limit: int = 50) -> int:
        async with self.ctx.sessions() as session:
            ids = (
                await session.exec(
                    select(Notification.id)
                    .where(
                        Notification.status == DeliveryStatus.PENDING,
                        col(Notification.next_attempt_at) <= self.ctx.clock.now(),
                    )
                    .order_by(col(Notification.id))
                    .limit(limit)
                )
            ).all()
            await session.commit()
        for notification_id in ids:
            if self._stopped.is_set():
                break
            assert notification_id is not None
            await self.deliver(notification_id)
        return len(ids)

    async def _recipient(self, notification: Notification, session: Any) -> tuple[int | None, str]:
        if notification.recipient_kind is RecipientKind.RESIDENT:
            resident = await session.get(Resident, notification.recipient_id)
            return (resident.telegram_id if resident else None), (
                resident.language if resident else "vi"
            )
        if notification.recipient_kind is RecipientKind.STAFF:
            staff = await session.get(Staff, notification.recipient_id)
            return (staff.telegram_id if staff else None), "vi"
        commune = await session.get(Commune, notification.commune_id)
        return (commune.staff_chat_id if commune else None), "vi"

    async def deliver(self, notification_id: int) -> None:
        async with self.ctx.sessions() as session:
            notification = await session.get(Notification, notification_id)
            if notification is None or notification.status is not DeliveryStatus.PENDING:
                return
            now = self.ctx.clock.now()
            chat_id, language = await self._recipient(notification, session)
            if chat_id is None:
                if notification.recipient_kind is RecipientKind.STAFF_GROUP:
                    # wait for /bind — unless a /bind just released it (compare-and-set)
                    await session.exec(
                        update(Notification)
                        .where(
                            col(Notification.id) == notification.id,
                            col(Notification.next_attempt_at) == notification.next_attempt_at,
                        )
                        .values(next_attempt_at=now + UNBOUND_GROUP_RETRY)
                    )
                else:
                    notification.status = DeliveryStatus.FAILED
                    notification.last_error = "recipient has no chat on this channel"
                    session.add(notification)
                await session.commit()
                return
            if await self._superseded(session, notification):
                notification.status = DeliveryStatus.SENT  # a newer edit of the card follows
                session.add(notification)
                await session.commit()
                return
            with self.i18n.context(), self.i18n.use_locale(language):
                parts = await compose(session, notification, self.ctx)
            await session.commit()  # no lock held while we talk to Telegram
            sent: list[int] = list(notification.result.get("message_ids", []))
            try:
                for part in parts[len(sent) :]:
                    message_id = await self._send(chat_id, part, sent[0] if sent else None)
                    sent.append(message_id)
                    notification.result = {
                        **notification.result,
                        "chat_id": chat_id,
                        "message_ids": sent,
                    }
                    session.add(notification)
                    if notification.ticket_id is not None and part.method != "edit_text":
                        await messages.remember(
                            session,
                            chat_id=chat_id,
                            message_ids=[message_id],
                            ticket_id=notification.ticket_id,
                            notification_id=notification.id,
                            purpose=notification.kind.value,
                        )
                    await session.commit()
                notification.status = DeliveryStatus.SENT
                notification.sent_at = self.ctx.clock.now()
            except TelegramRetryAfter as exc:
                notification.next_attempt_at = now + timedelta(seconds=exc.retry_after)
            except TelegramMigrateToChat as exc:
                await self._follow_migration(session, chat_id, exc.migrate_to_chat_id)
                notification.next_attempt_at = now
            except TelegramForbiddenError as exc:
                notification.last_error = exc.message
                if notification.recipient_kind is RecipientKind.STAFF_GROUP:
                    await reachability.staff_group_lost(session, chat_id, now=now)
                    notification.next_attempt_at = now + UNBOUND_GROUP_RETRY  # waits for /bind
                else:
                    notification.status = DeliveryStatus.FAILED
                if notification.recipient_kind is RecipientKind.RESIDENT:
                    await resident_service.mark_blocked(session, notification.recipient_id, now)
                elif notification.recipient_kind is RecipientKind.STAFF:
                    await reachability.staff_blocked_bot(
                        session, notification.recipient_id, now=now
                    )
            except TelegramBadRequest as exc:
                log.error("outbox %s refused by Telegram: %s", notification_id, exc.message)
                notification.status = DeliveryStatus.FAILED
                notification.last_error = exc.message
            except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
                notification.attempts += 1
                notification.last_error = str(exc)[:500]
                if notification.attempts >= MAX_ATTEMPTS:
                    log.error("outbox %s parked after %s attempts", notification_id, MAX_ATTEMPTS)
                    notification.status = DeliveryStatus.FAILED
                else:
                    backoff = min(2 ** (notification.attempts - 1), 600)  # 1 s, 2 s, 4 s…
                    notification.next_attempt_at = now + timedelta(seconds=backoff)
            session.add(notification)
            await session.commit()

    async def _superseded(self, session: Any, notification: Notification) -> bool:
        """Of several pending edits of one card, only the newest needs sending."""
        if notification.kind is not NotificationKind.CARD_REFRESH:
            return False
        newer = await session.exec(
            select(Notification.id).where(
                Notification.kind == NotificationKind.CARD_REFRESH,
                Notification.ticket_id == notification.ticket_id,
                Notification.status == DeliveryStatus.PENDING,
                col(Notification.id) > notification.id,
            )
        )
        return newer.first() is not None

    async def _follow_migration(self, session: Any, old_chat: int, new_chat: int) -> None:
        await staff_service.move_staff_chat(session, old_chat, new_chat)

    async def _send(self, chat_id: int, part: Outgoing, first_id: int | None) -> int:
        params = dict(part.params)
        if part.reply_to_first and first_id is not None:
            params["reply_parameters"] = ReplyParameters(
                message_id=first_id, allow_sending_without_reply=True
            )
        result: Message | list[Message] | bool
        if part.method == "text":
            result = await self.bot.send_message(chat_id, **params)
        elif part.method == "edit_text":
            try:
                result = await self.bot.edit_message_text(**params)
            except TelegramBadRequest as exc:
                if "message is not modified" not in exc.message:
                    raise
                result = True  # the card already says this
            return params["message_id"] if not isinstance(result, Message) else result.message_id
        elif part.method == "album":
            media = [
                InputMediaPhoto(media=m["media"])
                if m["type"] == "photo"
                else InputMediaVideo(media=m["media"])
                for m in params.pop("media")
            ]
            result = await self.bot.send_media_group(chat_id, media=media, **params)  # type: ignore[arg-type]
        else:
            sender = getattr(self.bot, f"send_{part.method}")
            result = await sender(chat_id, **params)
        assert not isinstance(result, bool)
        return result[0].message_id if isinstance(result, list) else result.message_id
