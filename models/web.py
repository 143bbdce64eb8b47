"""What the web channel keeps: residents' links to their cases, the browsers that asked for
news of one (Web Push), and the installation's keys."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class CaseLink(SQLModel, table=True):
    """A resident's link to their case's page (/h/{code}/{token}). The token is shown once;
    only its SHA-256 is kept, so the table opens no case to whoever reads it."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class PushSubscription(SQLModel, table=True):
    """A browser that asked, on a case's page, to be told when the case moves. What the
    browser's push service gave it: where to post, and the keys to encrypt for it."""

    __table_args__ = (UniqueConstraint("ticket_id", "endpoint"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    endpoint: str = Field(max_length=1000)
    p256dh: str = Field(max_length=200)  # the browser's public key (base64url)
    auth: str = Field(max_length=100)  # its authentication secret (base64url)
    created_at: datetime = Field(default_factory=utcnow)


class SiteKey(SQLModel, table=True):
    """A secret the installation makes on its first start and keeps (the web forms' key), so
    every process behind the proxy agrees on it without a setting."""

    name: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
