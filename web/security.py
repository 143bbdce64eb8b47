"""What every response carries and every form proves: security headers (a CSP with no
inline script, frames only from the commune's own portal), a CSRF token tied to a cookie,
and the resident's address as the trusted proxies report it."""

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf"


def content_security_policy(embed_origins: str) -> str:
    frames = " ".join(o for o in embed_origins.split() if o.startswith("https://")) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {frames}",
        ]
    )


def security_headers(
    embed_origins: str,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    policy = content_security_policy(embed_origins)

    async def add_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = policy
        response.headers["X-Content-Type-Options"] = "nosniff"
        # a case page's address holds its key: never sent on to another site
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "geolocation=(self), camera=(), microphone=()"
        if request.url.path.startswith(("/h/", "/desk")):  # a case's key; staff's pages
            response.headers["Cache-Control"] = "no-store"
        return response

    return add_headers


class Csrf:
    """A random cookie per browser and, in each form, its HMAC under the installation's key:
    another site can make a browser post, but cannot read the token to put in the form."""

    def __init__(self, key: str, secure: bool) -> None:
        self._key = key.encode()
        self.secure = secure

    def _sign(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()

    def key_for(self, purpose: str) -> bytes:
        """A key of its own for another use, derived from the installation's."""
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()

    def token(self, request: Request) -> tuple[str, str | None]:
        """(the form's token, a new cookie value to set or None)."""
        cookie = request.cookies.get(CSRF_COOKIE)
        if cookie and 20 <= len(cookie) <= 100:
            return self._sign(cookie), None
        cookie = secrets.token_urlsafe(24)
        return self._sign(cookie), cookie

    def valid(self, request: Request, submitted: str | None) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or not submitted:
            return False
        return hmac.compare_digest(self._sign(cookie), submitted)

    def set_cookie(self, response: Response, value: str) -> None:
        response.set_cookie(
            CSRF_COOKIE, value, httponly=True, samesite="lax", secure=self.secure, path="/"
        )


def client_address(request: Request, trusted: frozenset[str]) -> str:
    """The nearest address that is not one of our proxies (X-Forwarded-For read from the
    right, as nginx appends to it); the peer itself when no proxy is trusted."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return peer
    return peer
