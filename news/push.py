"""Web Push (RFC 8030, 8291, 8292) through pywebpush: the message encrypted for the browser's
keys, signed with the installation's VAPID key, posted to the browser's push service."""

import json
import logging
from enum import StrEnum
from typing import Any

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPushException, webpush_async

from models import PushSubscription

log = logging.getLogger(__name__)

TTL_SECONDS = 28 * 24 * 3600  # a phone switched off for weeks still gets it when back on
TIMEOUT_SECONDS = 10.0


class Outcome(StrEnum):
    DELIVERED = "delivered"
    GONE = "gone"  # the browser unsubscribed, or the subscription can never work again
    RETRY = "retry"  # the push service is busy or out of reach


class PushSender:
    def __init__(self, private_pem: str, contact: str) -> None:
        self._vapid = Vapid.from_pem(private_pem.encode())
        self._contact = contact
        self._http: aiohttp.ClientSession | None = None

    async def send(self, subscription: PushSubscription, payload: dict[str, Any]) -> Outcome:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        info: dict[str, Any] = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            await webpush_async(
                info,
                data=json.dumps(payload, ensure_ascii=False),
                vapid_private_key=self._vapid,
                vapid_claims={"sub": self._contact},  # a new dict: pywebpush fills it in
                ttl=TTL_SECONDS,
                timeout=TIMEOUT_SECONDS,
                aiohttp_session=self._http,
            )
        except WebPushException as exc:
            status = exc.status_code
            if status == 429 or status is None or status >= 500:
                log.warning("push service busy (%s): %s", status, exc.message)
                return Outcome.RETRY
            # 404/410: unsubscribed; 400/403/413: this subscription will never take it
            log.info("push subscription %s dropped: %s", subscription.id, status)
            return Outcome.GONE
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("push service out of reach: %s", exc)
            return Outcome.RETRY
        return Outcome.DELIVERED

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
