from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import enum_type


class LetterStatus(StrEnum):
    DRAFT = "draft"  # waiting for a leader to approve or edit it
    SENT = "sent"  # approved and queued for the resident


class ApologyLetter(SQLModel, table=True):
    """Thư xin lỗi: drafted when a case goes past its answer deadline, sent to the resident
    only after a leader approves it (as written, or edited). One per ticket."""

    __table_args__ = (UniqueConstraint("ticket_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    commune_id: int = Field(foreign_key="commune.id", index=True)
    status: LetterStatus = Field(default=LetterStatus.DRAFT, sa_type=enum_type(LetterStatus))
    text: str
    version: int = 1  # grows with each edit: a leader approves the version they saw
    drafted_at: datetime
    edited_by_id: int | None = Field(default=None, foreign_key="staff.id")
    edited_at: datetime | None = None
    approved_by_id: int | None = Field(default=None, foreign_key="staff.id")
    sent_at: datetime | None = None
