from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow
from models.enums import Channel, DeliveryStatus, NotificationKind, RecipientKind


class Notification(SQLModel, table=True):
    """The outbox: written in the same transaction as the change it announces.

    It names what happened (kind, ticket) and to whom; the channel adapter renders the
    words in the recipient's language when it sends.
    """

    __table_args__ = (Index("ix_notification_pending", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: NotificationKind = Field(sa_type=enum_type(NotificationKind))
    commune_id: int = Field(foreign_key="commune.id")
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    recipient_kind: RecipientKind = Field(sa_type=enum_type(RecipientKind))
    recipient_id: int | None = None  # resident.id / staff.id; none for the staff group
    # who sends it: Telegram's outbox, or (a resident with no chat) the web's news courier
    channel: Channel = Field(
        default=Channel.TELEGRAM,
        sa_type=enum_type(Channel),
        sa_column_kwargs={"server_default": Channel.TELEGRAM.value},
    )
    status: DeliveryStatus = Field(
        default=DeliveryStatus.PENDING, sa_type=enum_type(DeliveryStatus)
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    last_error: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class AuditEntry(SQLModel, table=True):
    """Actions outside a ticket's history (binding a group, refused attempts)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    commune_id: int | None = Field(default=None, foreign_key="commune.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    actor_telegram_id: int | None = Field(default=None, sa_type=BigInteger)
    action: str = Field(max_length=64)
    allowed: bool
    detail: str | None = None


class ConversationState(SQLModel, table=True):
    """aiogram FSM state kept in the database, so a restart forgets no half-filed case."""

    key: str = Field(primary_key=True, max_length=200)
    state: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow)


class ChannelMessage(SQLModel, table=True):
    """A message the bot sent about a ticket (the staff card, a receipt, an officer's copy),
    so a reply to it, or an edit of it, finds its ticket."""

    __table_args__ = (Index("ix_channelmessage_chat_message", "chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(default="telegram", max_length=20)
    chat_id: int = Field(sa_type=BigInteger)
    message_id: int
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    notification_id: int | None = Field(default=None, foreign_key="notification.id")
    purpose: str = Field(max_length=32)  # the notification kind that sent it
    sent_at: datetime = Field(default_factory=utcnow)


class InboxUpdate(SQLModel, table=True):
    """An update from Telegram, stored before Telegram is told it arrived.

    `done_at` is written in the same transaction as the update's effects, so after a crash
    the updates without it are processed again and the others never twice. The payload
    (which may hold a resident's words) is dropped once done; the row stays a few days so
    a late redelivery is recognised."""

    __table_args__ = (Index("ix_inboxupdate_undone", "done_at", "update_id"),)

    update_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    chat_id: int | None = Field(default=None, sa_type=BigInteger)
    payload: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    received_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    lease_until: datetime | None = None  # a process is working on it until then
    done_at: datetime | None = None
    error: str | None = Field(default=None, max_length=500)
