"""Signing in to the staff desk: the person behind one or more staff memberships (their
login, password hash, second factor), their browser sessions, the one-time links that set
a password, and the counters that slow down guessing."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utcnow


class StaffAccount(SQLModel, table=True):
    """One person who may sign in to the desk; each of their `Staff` memberships (one per
    commune) points here. Telegram-only staff have none."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=40, unique=True, index=True)  # lower case, chosen
    email: str | None = Field(default=None, max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id; none: unset
    password_set_at: datetime | None = None
    totp_secret: str | None = Field(default=None, max_length=64)  # base32; none: no TOTP
    totp_last_step: int | None = None  # the last code's time step: a code works once
    created_at: datetime = Field(default_factory=utcnow)


class DeskSession(SQLModel, table=True):
    """A browser signed in to the desk. The cookie holds a random token; only its SHA-256 is
    kept. It ends at logout, after 8 idle hours or 7 days, when revoked, when the person's
    password is set again, or when they are removed from a commune."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="staffaccount.id", index=True)
    commune_id: int | None = Field(default=None, foreign_key="commune.id")  # working in
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    ended_reason: str | None = Field(default=None, max_length=40)


class PasswordLink(SQLModel, table=True):
    """A one-time link (24 h) where the person sets their password; only the token's
    SHA-256 is kept. A newer link replaces the older ones."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="staffaccount.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per typed login and per address (a keyed hash of it): from
    the fifth, each waits longer before the next try is looked at. A success clears the
    login's count; a quiet day clears any."""

    key: str = Field(primary_key=True, max_length=100)
    failures: int = 0
    last_failed_at: datetime = Field(default_factory=utcnow)
    wait_until: datetime | None = None
