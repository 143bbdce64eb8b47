"""A strict fake of a browser vendor's push service (RFC 8030), and the browsers that
subscribe to it. Checks what a real one checks (the VAPID signature and claims of RFC 8292,
the TTL, the aes128gcm encoding of RFC 8291) and decrypts each message with the browser's
private key, as the phone would: a test reads what the resident's phone would show."""

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from services.cases.subscriptions import Browser


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class FakeBrowser:
    """A browser's push subscription: its keys, and what reached it."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    received: list[dict[str, Any]] = field(default_factory=list)
    answer: int = 201  # what the service answers for it: 410 when unsubscribed, 503 busy

    def subscription(self, origin: str) -> Browser:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return Browser(f"{origin}/push/{self.name}", b64url(point), b64url(self.auth))


class PushService:
    def __init__(self, vapid_public_key: str | None = None) -> None:
        self.browsers: dict[str, FakeBrowser] = {}
        self.refused: list[str] = []  # why requests were refused, for the test to read
        self.vapid_public_key = vapid_public_key  # the server's key, once known
        self.origin = ""
        self._runner: web.AppRunner | None = None

    def browser(self, name: str) -> FakeBrowser:
        self.browsers[name] = FakeBrowser(name)
        return self.browsers[name]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/push/{name}", self._receive)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.origin = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _refuse(self, status: int, why: str) -> web.Response:
        self.refused.append(why)
        return web.Response(status=status, text=why)

    async def _receive(self, request: web.Request) -> web.Response:
        browser = self.browsers.get(request.match_info["name"])
        if browser is None or browser.answer == 410:
            return web.Response(status=410, text="push subscription has unsubscribed or expired")
        why = self._check_vapid(request.headers.get("Authorization", ""))
        if why:
            return self._refuse(403, why)
        if not request.headers.get("TTL", "").isdigit():
            return self._refuse(400, "TTL header missing")
        if request.headers.get("Content-Encoding") != "aes128gcm":
            return self._refuse(415, "content encoding must be aes128gcm")
        body = await request.read()
        if len(body) > 4096:
            return self._refuse(413, "payload too large")
        if browser.answer != 201:
            return web.Response(status=browser.answer, text="try again later")
        try:
            plain = http_ece.decrypt(
                body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
            )
        except Exception as exc:  # what the phone would do: drop what it cannot read
            return self._refuse(400, f"cannot decrypt: {exc}")
        browser.received.append(json.loads(plain))
        return web.Response(status=201)

    def _check_vapid(self, header: str) -> str | None:
        """RFC 8292: `vapid t=<JWT>, k=<public key>`, an ES256 JWT signed by that key, for
        this origin, expiring within 24 hours, with a contact."""
        if not header.startswith("vapid "):
            return "no VAPID authorization"
        parts = dict(
            item.strip().split("=", 1) for item in header[len("vapid ") :].split(",") if "=" in item
        )
        token, key = parts.get("t", ""), parts.get("k", "")
        if self.vapid_public_key is not None and key != self.vapid_public_key:
            return "VAPID key is not the one the browser subscribed with"
        try:
            head, claims, signature = token.split(".")
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
            raw = unb64url(signature)
            der = encode_dss_signature(
                int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
            )
            public.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except (ValueError, InvalidSignature):
            return "VAPID signature does not verify"
        if json.loads(unb64url(head)).get("alg") != "ES256":
            return "VAPID JWT must be ES256"
        body = json.loads(unb64url(claims))
        now = time.time()
        if body.get("aud") != self.origin:
            return f"VAPID audience {body.get('aud')!r} is not {self.origin!r}"
        if not now < int(body.get("exp", 0)) <= now + 24 * 3600:
            return "VAPID expiry must be within 24 hours"
        if not str(body.get("sub", "")).startswith(("mailto:", "https://")):
            return "VAPID contact missing"
        return None
