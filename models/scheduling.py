from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class JobMark(SQLModel, table=True):
    """What a scheduled job already did (which reminder for which case, which day's digest),
    so a restart catches up without repeating anything."""

    __table_args__ = (UniqueConstraint("job", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=40)
    key: str = Field(max_length=120)
    done_at: datetime = Field(default_factory=utcnow)


class SchedulerLease(SQLModel, table=True):
    """Which process runs the scheduler, until when (where no advisory lock exists)."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=120)
    expires_at: datetime
