"""Delivers one outbox message: resolves the chat, composes the parts, sends each through the
rate limiter and records it as soon as Telegram confirmed it, so a crash repeats at most the
part in flight. Handles Telegram's refusals: 429 waits, 5xx and network errors back off and
are parked after many attempts (the admins are told), 403 marks the person or the lost group,
a group's upgrade to a supergroup moves the stored chat."""

import logging
from dataclasses import dataclass
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
from aiogram.utils.i18n import I18n
from sqlalchemy import update
from sqlmodel import col, select

from bot.compose import summary as outbox_summary
from bot.compose.dispatch import compose
from bot.outbox.park import park
from bot.outbox.rate_limit import RateLimiter
from bot.outbox.telegram_send import send_part
from config.context import AppContext
from models import (
    Commune,
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Resident,
    Staff,
    Superior,
)
from services.cases import messages
from services.desk import reachability
from services.people import residents as resident_service
from services.people import staff as staff_service
from services.reporting import settings as report_settings

log = logging.getLogger("bot.outbox.sender")

UNBOUND_GROUP_RETRY = timedelta(minutes=1)


@dataclass
class RetryPolicy:
    """For 5xx and network errors: 1 s, 2 s, 4 s… up to 10 minutes, parked after 12."""

    max_attempts: int = 12
    first_backoff: float = 1.0
    max_backoff: float = 600.0

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.first_backoff * 2 ** (attempts - 1), self.max_backoff))


class Courier:
    def __init__(self, bot: Bot, ctx: AppContext, i18n: I18n) -> None:
        self.bot = bot
        self.ctx = ctx
        self.i18n = i18n
        self.limiter = RateLimiter()
        self.retry = RetryPolicy()

    async def _recipient(self, notification: Notification, session: Any) -> tuple[int | None, str]:
        if notification.recipient_kind is RecipientKind.RESIDENT:
            resident = await session.get(Resident, notification.recipient_id)
            return (resident.telegram_id if resident else None), (
                resident.language if resident else "vi"
            )
        if notification.recipient_kind is RecipientKind.STAFF:
            staff = await session.get(Staff, notification.recipient_id)
            return (staff.telegram_id if staff else None), "vi"
        if notification.recipient_kind is RecipientKind.SUPERIOR:
            superior = await session.get(Superior, notification.recipient_id)
            return (superior.telegram_chat_id if superior else None), "vi"
        commune = await session.get(Commune, notification.commune_id)
        return (commune.staff_chat_id if commune else None), "vi"

    async def deliver(self, session: Any, notification: Notification) -> None:
        """Delivers a pending notification read in `session`, and commits."""
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
            elif await self._offline_resident(session, notification):
                # a citizen staff logged from another channel: nothing to send, by design
                notification.status = DeliveryStatus.SENT
                notification.result = {"skipped": "resident has no Telegram account"}
                session.add(notification)
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
        if (
            notification.kind is NotificationKind.STAFF_CARD
            and notification.recipient_kind is RecipientKind.STAFF_GROUP
        ):
            room = self.limiter.room(chat_id)
            merged = await outbox_summary.merge_cards_if_flooded(
                session, notification.commune_id, room, now
            )
            if merged is not None:
                await session.commit()
                log.info("group %s flooded: cards merged into summary %s", chat_id, merged.id)
                return
        with self.i18n.context(), self.i18n.use_locale(language):
            parts = await compose(session, notification, self.ctx)
        await session.commit()  # no lock held while we talk to Telegram
        await self._send_parts(session, notification, chat_id, parts)

    async def _send_parts(
        self, session: Any, notification: Notification, chat_id: int, parts: list[Any]
    ) -> None:
        now = self.ctx.clock.now()
        sent: list[int] = list(notification.result.get("message_ids", []))
        try:
            for index, part in enumerate(parts[len(sent) :], start=len(sent) + 1):
                async with self.limiter.slot(chat_id, edit=part.method == "edit_text"):
                    message_id = await send_part(
                        self.bot,
                        chat_id,
                        part,
                        sent[0] if sent else None,
                        self.ctx.settings.files_dir,
                    )
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
                if index == len(parts):  # the last part: sent, in the same commit
                    notification.status = DeliveryStatus.SENT
                    notification.sent_at = self.ctx.clock.now()
                await session.commit()
            if notification.status is DeliveryStatus.PENDING:  # every part was sent before
                notification.status = DeliveryStatus.SENT
                notification.sent_at = self.ctx.clock.now()
        except TelegramRetryAfter as exc:
            self.limiter.flooded(chat_id, exc.retry_after)
            notification.next_attempt_at = self.ctx.clock.now() + timedelta(seconds=exc.retry_after)
        except TelegramMigrateToChat as exc:
            await self._follow_migration(session, chat_id, exc.migrate_to_chat_id)
            notification.next_attempt_at = now
        except TelegramForbiddenError as exc:
            await self._unreachable(session, notification, chat_id, exc.message, now)
        except TelegramBadRequest as exc:
            log.error("outbox %s refused by Telegram: %s", notification.id, exc.message)
            notification.status = DeliveryStatus.FAILED
            notification.last_error = exc.message
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            await self._retry_later(session, notification, str(exc))
        session.add(notification)
        await session.commit()

    async def _retry_later(self, session: Any, notification: Notification, error: str) -> None:
        """Backoff, or parked (and the admins told) after too many attempts."""
        notification.attempts += 1
        notification.last_error = error[:500]
        now = self.ctx.clock.now()
        if notification.attempts >= self.retry.max_attempts:
            log.error(
                "outbox %s parked after %s attempts: %s",
                notification.id,
                notification.attempts,
                error,
            )
            await park(session, notification, error, now)
        else:
            notification.next_attempt_at = now + self.retry.backoff(notification.attempts)

    async def _failed(self, notification_id: int, error: str) -> None:
        async with self.ctx.sessions() as session:
            notification = await session.get(Notification, notification_id)
            if notification is None or notification.status is not DeliveryStatus.PENDING:
                return
            await self._retry_later(session, notification, error)
            session.add(notification)
            await session.commit()

    async def _unreachable(
        self, session: Any, notification: Notification, chat_id: int, error: str, now: Any
    ) -> None:
        """403: a person blocked the bot (marked, not retried), or the group was lost."""
        notification.last_error = error
        if notification.recipient_kind is RecipientKind.STAFF_GROUP:
            await reachability.staff_group_lost(session, chat_id, now=now)
            notification.next_attempt_at = now + UNBOUND_GROUP_RETRY  # waits for /bind
        else:
            notification.status = DeliveryStatus.FAILED
        if notification.recipient_kind is RecipientKind.RESIDENT:
            await resident_service.mark_blocked(session, notification.recipient_id, now)
        elif notification.recipient_kind is RecipientKind.STAFF:
            await reachability.staff_blocked_bot(session, notification.recipient_id, now=now)
        elif notification.recipient_kind is RecipientKind.SUPERIOR:
            superior = await session.get(Superior, notification.recipient_id)
            if superior is not None:
                await reachability.superior_unreachable(
                    session, superior, "telegram", error, now=now
                )

    async def _offline_resident(self, session: Any, notification: Notification) -> bool:
        if notification.recipient_kind is not RecipientKind.RESIDENT:
            return False
        resident = await session.get(Resident, notification.recipient_id)
        return resident is not None and resident.telegram_id is None

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
        await report_settings.move_superior_chat(session, old_chat, new_chat)
