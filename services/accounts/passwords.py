"""Logins, passwords (argon2id) and TOTP codes: the rules and the checks, nothing stored.

Hashing takes tens of milliseconds of CPU on purpose; it runs in a worker thread so the
server keeps answering meanwhile."""

import asyncio
import re
from datetime import datetime
from functools import cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.errors import InvalidInput

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # hashing a megabyte on every try would be a way to tire the server
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
TOTP_ISSUER = "Hòm thư số"


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    """Checked against when the login is unknown, so both take the same time."""
    return _hasher().hash("not anyone's password")


def normalize_login(raw: str) -> str:
    """Letters a–z, digits, '.', '_', '-'; 2 to 40; compared in lower case."""
    login = raw.strip().lower()
    if not _LOGIN.match(login):
        raise InvalidInput("login")
    return login


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password_too_short")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("password_too_long")


async def hash_password(password: str) -> str:
    check_password(password)
    return await asyncio.to_thread(_hasher().hash, password)


async def verify_password(stored: str | None, password: str) -> bool:
    """False for a wrong password, an unset one or one too long to be ours."""
    candidate = password if len(password) <= MAX_PASSWORD else ""

    def check() -> bool:
        try:
            return _hasher().verify(stored or _dummy_hash(), candidate) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, login: str) -> str:
    """What an authenticator app reads (as a QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=TOTP_ISSUER)


def totp_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step of this 6-digit code when it is right for now (or 30 s either side)
    and newer than the last one used; None otherwise: a code works once."""
    digits = "".join(code.split())
    if not (len(digits) == 6 and digits.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if totp.at(candidate * totp.interval) == digits:
            return candidate
    return None
