from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow
from models.enums import DayKind, DayUnit, Kind


class CalendarDay(SQLModel, table=True):
    """A day off or a make-up working day the government announced (for every commune when
    commune_id is empty), on top of the `holidays` package's Vietnamese calendar."""

    __table_args__ = (UniqueConstraint("commune_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int | None = Field(default=None, foreign_key="commune.id", index=True)
    day: date
    kind: DayKind = Field(sa_type=enum_type(DayKind))
    note: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class DeadlineRuleRow(SQLModel, table=True):
    """A commune's own deadline rule for a kind and/or a category (e.g. urgent matters)."""

    __tablename__ = "deadlinerule"
    __table_args__ = (UniqueConstraint("commune_id", "kind", "category_id"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    kind: Kind | None = Field(default=None, sa_type=enum_type(Kind))
    category_id: int | None = Field(default=None, foreign_key="category.id")
    name: str = Field(max_length=64)
    legal_basis: str = Field(max_length=200)
    ack_days: int
    resolve_days: int
    forward_days: int = 5
    unit: DayUnit = Field(default=DayUnit.WORKING, sa_type=enum_type(DayUnit))
