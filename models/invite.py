from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow
from models.enums import Role


class StaffInvite(SQLModel, table=True):
    """A one-time, expiring link that makes whoever opens it staff of a commune.

    The token is the secret part of the deep link (t.me/<bot>?start=inv-<token>)."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=60, unique=True, index=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    role: Role = Field(sa_type=enum_type(Role))
    name: str | None = Field(default=None, max_length=200)  # else their Telegram name
    title: str | None = Field(default=None, max_length=120)
    created_by_staff_id: int | None = Field(default=None, foreign_key="staff.id")  # none: CLI
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    used_by_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    # Set when an admin or the CLI revokes it, or its admin is removed or demoted: the link
    # then makes nobody staff. Reason: one of services.people.invites.REVOKE_REASONS.
    revoked_at: datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=40)
