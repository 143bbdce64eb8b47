"""Secrets an installation makes on its first start and keeps in its database, so that every
process (and every restart) agrees on them without a setting to forget: the web forms' key,
and the VAPID key pair that signs Web Push messages (browsers subscribe to its public half,
so a new pair would silence every subscription)."""

import base64
import secrets
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from models import SiteKey

VAPID = "vapid"


def _random() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def new_vapid_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def application_server_key(private_pem: str) -> str:
    """The public half as browsers take it (`applicationServerKey`): the uncompressed P-256
    point, base64url without padding."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


async def site_key(session: AsyncSession, name: str, make: Callable[[], str] = _random) -> str:
    """The key called `name`, made the first time it is asked for; two processes asking at
    once agree on the first one written."""
    key = await session.get(SiteKey, name)
    if key is not None:
        return key.value
    session.add(SiteKey(name=name, value=make()))
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
    key = await session.get(SiteKey, name, populate_existing=True)
    assert key is not None
    return key.value


async def vapid_pem(session: AsyncSession) -> str:
    return await site_key(session, VAPID, new_vapid_pem)
