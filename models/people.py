from datetime import datetime
from uuid import uuid4

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow
from models.enums import Role


class Resident(SQLModel, table=True):
    """Whoever files a ticket. May have no Telegram account (logged by staff)."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, unique=True, index=True)
    full_name: str | None = Field(default=None, max_length=200)
    username: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=20, index=True)
    commune_id: int | None = Field(default=None, foreign_key="commune.id", index=True)
    language: str = Field(default="vi", max_length=8)
    consent_at: datetime | None = None
    blocked_at: datetime | None = None  # the resident blocked the bot: do not retry sending
    erasure_requested_at: datetime | None = None  # /forget waits for their open cases
    erased_at: datetime | None = None  # personal data removed; the row stays, anonymous
    # a stable pseudonymous key for exports (not the Telegram id or phone); rows from before
    # it existed get one when first exported (services/cases_file/export.py)
    public_key: str | None = Field(
        default_factory=lambda: uuid4().hex, max_length=32, unique=True, index=True
    )
    created_at: datetime = Field(default_factory=utcnow)


class Staff(SQLModel, table=True):
    """A cán bộ, công chức or leader of one commune, authorised from this table only."""

    __table_args__ = (
        UniqueConstraint("commune_id", "telegram_id"),
        UniqueConstraint("commune_id", "account_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    telegram_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    # the person's desk sign-in, shared by their memberships in several communes; none:
    # Telegram only
    account_id: int | None = Field(default=None, foreign_key="staffaccount.id", index=True)
    username: str | None = Field(default=None, max_length=64)
    name: str = Field(max_length=200)
    title: str | None = Field(default=None, max_length=120)
    role: Role = Field(sa_type=enum_type(Role))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
