"""Browsers that asked, on a case's page, for news of it (Web Push). Only addresses of the
push services the installation names are taken: the server posts to them, so any other
address would let a page make it call into the commune's own network."""

import base64
import binascii
import fnmatch
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import NotificationKind, PushSubscription, RecipientKind, Ticket
from services.cases.lifecycle import notify
from services.errors import InvalidInput

MAX_PER_CASE = 5  # a family's phones; a sixth replaces the oldest


@dataclass(frozen=True)
class Browser:
    """What `PushManager.subscribe()` gave the browser."""

    endpoint: str
    p256dh: str
    auth: str


def _decoded(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def endpoint_allowed(endpoint: str, services: tuple[str, ...]) -> bool:
    """`services`: origins such as "https://fcm.googleapis.com" or "https://*.notify.windows.com"."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    if not parts.hostname or parts.username or parts.password:
        return False
    host = parts.hostname + (f":{port}" if port else "")
    origin = f"{parts.scheme}://{host}"
    return any(fnmatch.fnmatchcase(origin, service) for service in services)


def check(browser: Browser, services: tuple[str, ...]) -> None:
    key, auth = _decoded(browser.p256dh), _decoded(browser.auth)
    if (
        len(browser.endpoint) > 1000
        or not endpoint_allowed(browser.endpoint, services)
        or key is None
        or len(key) != 65
        or key[0] != 4
        or auth is None
        or len(auth) != 16
    ):
        raise InvalidInput("push")


async def subscribe(
    session: AsyncSession,
    ticket: Ticket,
    browser: Browser,
    services: tuple[str, ...],
    now: datetime,
) -> PushSubscription:
    """Keeps the browser for the case (its keys renewed if it asked before); the staff card
    shows the new way to reach the resident. Committed."""
    check(browser, services)
    assert ticket.id is not None
    first = await count_for_case(session, ticket.id) == 0
    known = (
        await session.exec(
            select(PushSubscription).where(
                PushSubscription.ticket_id == ticket.id,
                PushSubscription.endpoint == browser.endpoint,
            )
        )
    ).first()
    subscription = known or PushSubscription(
        ticket_id=ticket.id, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth
    )
    subscription.p256dh, subscription.auth = browser.p256dh, browser.auth
    subscription.created_at = now
    session.add(subscription)
    await session.flush()
    kept = select(PushSubscription.id).where(PushSubscription.ticket_id == ticket.id)
    newest = kept.order_by(col(PushSubscription.created_at).desc()).limit(MAX_PER_CASE)
    await session.exec(
        delete(PushSubscription).where(
            col(PushSubscription.ticket_id) == ticket.id,
            col(PushSubscription.id).not_in(newest.scalar_subquery()),
        )
    )
    if first:
        notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    await session.commit()
    return subscription


async def for_case(session: AsyncSession, ticket_id: int) -> list[PushSubscription]:
    found = await session.exec(
        select(PushSubscription)
        .where(PushSubscription.ticket_id == ticket_id)
        .order_by(col(PushSubscription.id))
    )
    return list(found.all())


async def count_for_case(session: AsyncSession, ticket_id: int) -> int:
    found = await session.exec(
        select(func.count()).where(col(PushSubscription.ticket_id) == ticket_id)
    )
    return int(found.one())


async def gone(session: AsyncSession, subscription: PushSubscription) -> None:
    """The push service says the browser no longer takes messages (404/410). Not committed."""
    await session.delete(subscription)
