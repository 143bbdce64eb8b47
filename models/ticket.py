from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow
from models.enums import (
    ActorType,
    AttachmentKind,
    Channel,
    EventKind,
    Kind,
    Rating,
    TicketStatus,
)
from models.moments import moment_column


class Ticket(SQLModel, table=True):
    """One phản ánh, kiến nghị. Its current fields are a cache of its events."""

    __table_args__ = (
        UniqueConstraint("commune_id", "year", "seq"),
        UniqueConstraint("commune_id", "code"),
        Index("ix_ticket_open_due", "status", "resolve_due_at"),
        # a commune's tickets by receipt, carrying every column the statistics read: the
        # reports (services/statistics_*.py) scan it and never touch the table's rows. Its
        # moments are the *_us integers below: SQLite compares and groups them several times
        # faster than its text timestamps, and the index is a third of the size
        Index(
            "ix_ticket_report",
            "commune_id",
            "received_us",
            "closed_us",
            "first_answered_us",
            "status",
            "channel",
            "kind",
            "category_id",
            "village_id",
            "resident_id",
            "resolve_due_us",
            "forward_due_us",
            "ack_due_us",
            "acknowledged_us",
            "rating",
            "rated_us",
            "id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id")
    code: str = Field(max_length=16)  # PA24-0042
    year: int  # two-digit year in the code comes from this local year of receipt
    seq: int
    kind: Kind = Field(sa_type=enum_type(Kind))
    category_id: int | None = Field(default=None, foreign_key="category.id")
    channel: Channel = Field(sa_type=enum_type(Channel))
    status: TicketStatus = Field(default=TicketStatus.NEW, sa_type=enum_type(TicketStatus))
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id")
    assignee_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    text: str
    contact_phone: str | None = Field(default=None, max_length=20)
    latitude: float | None = None
    longitude: float | None = None
    received_at: datetime
    ack_due_at: datetime
    resolve_due_at: datetime
    resolve_due_original_at: datetime
    forward_due_at: datetime  # forwarding is judged against its own deadline
    deadline_rule: str = Field(max_length=64)  # which rule set the due dates
    deadline_basis: str = Field(default="", max_length=200)  # and its legal basis
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    # the earliest answer event (models.enums.ANSWER_EVENTS): set by the first one, moved
    # only earlier, never cleared (a reopening or an erasure keeps it)
    first_answered_at: datetime | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="ticket.id")
    rating: Rating | None = Field(default=None, sa_type=enum_type(Rating))
    rated_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # The moments above as microseconds since 1970-01-01 UTC, for the statistics. The
    # database keeps them (triggers, models/moments.py): nothing writes them, and no writer
    # of a ticket, ORM, Core or raw SQL, can leave them out of step.
    received_us: int | None = moment_column()
    ack_due_us: int | None = moment_column()
    resolve_due_us: int | None = moment_column()
    forward_due_us: int | None = moment_column()
    acknowledged_us: int | None = moment_column()
    closed_us: int | None = moment_column()
    first_answered_us: int | None = moment_column()
    rated_us: int | None = moment_column()


class TicketEvent(SQLModel, table=True):
    """Append-only history of a ticket: who did what, when, from which state to which."""

    # a ticket's history in order; the kind lets services/cases/ticket_cache.py find its first
    # answer in the index alone
    __table_args__ = (Index("ix_ticketevent_ticket_at_kind", "ticket_id", "at", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime
    kind: EventKind = Field(sa_type=enum_type(EventKind))
    actor_type: ActorType = Field(sa_type=enum_type(ActorType))
    actor_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    actor_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    from_status: TicketStatus | None = Field(default=None, sa_type=enum_type(TicketStatus))
    to_status: TicketStatus | None = Field(default=None, sa_type=enum_type(TicketStatus))
    text: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Attachment(SQLModel, table=True):
    """A file a resident or staff member attached; the channel's own file reference."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="ticketevent.id")
    kind: AttachmentKind = Field(sa_type=enum_type(AttachmentKind))
    channel: Channel = Field(sa_type=enum_type(Channel))
    file_ref: str = Field(max_length=255)  # Telegram file_id
    file_unique_id: str | None = Field(default=None, max_length=64)
    media_group: str | None = Field(default=None, max_length=64)
    caption: str | None = None
    file_name: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


class TicketSequence(SQLModel, table=True):
    """Next code number per commune and local year of receipt."""

    commune_id: int = Field(foreign_key="commune.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_seq: int = 0
