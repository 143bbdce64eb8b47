"""Sends what residents no chat reaches are told (notifications on the `web` channel): by Web
Push to each browser that asked for news of the case, else by SMS to the phone they gave;
with neither, the case's page is where they read it. One web process sends (a lock, as for
Telegram's outbox); the others stand by and take over if it stops.

Push is best effort: a push service that is busy is tried again with a growing wait, and
after `MAX_ATTEMPTS` the message is given up (the page still shows the step)."""

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from config.context import AppContext
from models import (
    Channel,
    Commune,
    DeliveryStatus,
    Notification,
    Resident,
    Ticket,
    TicketEvent,
)
from news.push import Outcome, PushSender
from news.sms import SmsGateway, sms_gateway
from news.words import News, compose
from scheduler.lock import LeaderLock, news_lock
from services.cases import subscriptions
from services.database.keys import vapid_pem

log = logging.getLogger(__name__)

BATCH = 20
IDLE_SECONDS = 1.0  # how late news written by another process may start
STANDBY_SECONDS = 2.0
MAX_ATTEMPTS = 10
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)

_DUE = (
    select(Notification.id)
    .where(
        Notification.status == DeliveryStatus.PENDING,
        Notification.channel == Channel.WEB,
    )
    .order_by(col(Notification.id))
    .limit(BATCH)
)


class NewsCourier:
    def __init__(
        self,
        ctx: AppContext,
        push: PushSender,
        sms: SmsGateway | None,
        lock: LeaderLock | None = None,
    ) -> None:
        self.ctx = ctx
        self.push = push
        self.sms = sms
        self._lock = lock
        self._leading = lock is None
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        try:
            while not self._stopped.is_set():
                if not await self._lead():
                    await self._pause(STANDBY_SECONDS)
                    continue
                if await self.sweep() < BATCH:
                    await self._pause(IDLE_SECONDS)
        finally:
            if self._lock is not None and self._leading:
                await self._lock.release()
            await self.push.close()

    def stop(self) -> None:
        self._stopped.set()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), seconds)

    async def _lead(self) -> bool:
        if self._lock is None:
            return True
        self._leading = await (self._lock.keep() if self._leading else self._lock.acquire())
        return self._leading

    async def sweep(self) -> int:
        """Sends what is due now; how many were looked at."""
        async with self.ctx.sessions() as session:
            now = self.ctx.clock.now()
            ids = (await session.exec(_DUE.where(col(Notification.next_attempt_at) <= now))).all()
        for notification_id in ids:
            assert notification_id is not None
            try:
                await self.deliver(notification_id)
            except Exception:  # one bad message must not stop the others
                log.exception("news %s could not be sent", notification_id)
        return len(ids)

    async def deliver(self, notification_id: int) -> None:
        async with self.ctx.sessions() as session:
            notification = await session.get(Notification, notification_id)
            if notification is None or notification.status is not DeliveryStatus.PENDING:
                return
            ticket = await session.get(Ticket, notification.ticket_id or 0)
            resident = await session.get(Resident, notification.recipient_id or 0)
            if ticket is None or resident is None or resident.erased_at is not None:
                self._done(notification, {"skipped": "no resident to tell"})
                session.add(notification)
                await session.commit()
                return
            commune = await session.get(Commune, ticket.commune_id)
            event_id = notification.payload.get("event_id")
            event = await session.get(TicketEvent, event_id) if event_id else None
            assert commune is not None and ticket.id is not None
            news = compose(
                notification,
                ticket,
                commune,
                event,
                language=resident.language,
                tz=self.ctx.tz,
                public_url=self.ctx.settings.public_url,
            )
            browsers = await subscriptions.for_case(session, ticket.id)
            phone = ticket.contact_phone or resident.phone
            await session.commit()  # nothing held while the network answers
            payload = _payload(news, f"{commune.code}/{ticket.code}")
            outcomes = [await self.push.send(b, payload) for b in browsers]
            for browser, outcome in zip(browsers, outcomes, strict=True):
                if outcome is Outcome.GONE:
                    await subscriptions.gone(session, browser)
            pushed = outcomes.count(Outcome.DELIVERED)
            texted, again = False, False
            if not pushed and Outcome.RETRY in outcomes:
                self._later(notification, "push service busy or out of reach")
                again = True
            elif not pushed and phone and self.sms is not None:
                try:
                    await self.sms.send(phone, news.sms)
                    texted = True
                except Exception as exc:
                    log.warning("SMS for news %s not taken: %s", notification_id, exc)
                    self._later(notification, f"SMS: {exc}"[:500])
                    again = True
            if not again:
                self._done(notification, {"push": pushed, "sms": texted})
            session.add(notification)
            await session.commit()

    def _done(self, notification: Notification, result: dict[str, object]) -> None:
        notification.status = DeliveryStatus.SENT
        notification.sent_at = self.ctx.clock.now()
        notification.result = result

    def _later(self, notification: Notification, error: str) -> None:
        notification.attempts += 1
        notification.last_error = error
        if notification.attempts >= MAX_ATTEMPTS:
            notification.status = DeliveryStatus.FAILED
            return
        wait = min(FIRST_WAIT * 2 ** (notification.attempts - 1), LONGEST_WAIT)
        notification.next_attempt_at = self.ctx.clock.now() + wait


def _payload(news: News, page: str) -> dict[str, str]:
    """What the service worker (web/static/sw.js) shows; `page` finds the case's address
    the browser keeps (case codes repeat between communes: the commune's code first)."""
    return {"title": news.title, "body": news.body, "page": page, "tag": page}


async def build_courier(ctx: AppContext, engine: AsyncEngine) -> NewsCourier:
    """The courier of a process that serves the web, with the installation's VAPID key."""
    async with ctx.sessions() as session:
        pem = await vapid_pem(session)
    settings = ctx.settings
    return NewsCourier(
        ctx, PushSender(pem, settings.push_contact), sms_gateway(settings), news_lock(engine)
    )
