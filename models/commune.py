from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Commune(SQLModel, table=True):
    """A commune-level government (UBND xã / phường / đặc khu): the tenant."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=5, unique=True, index=True)  # official 5 digits, "07060"
    name: str = Field(max_length=120)  # official name with its type, "Xã Thống Nhất"
    division_type: str = Field(max_length=20)  # "xã", "phường", "đặc khu"
    province_code: int
    province_name: str = Field(max_length=120)
    address: str | None = Field(default=None, max_length=500)
    reception_schedule: str | None = Field(default=None, max_length=500)
    staff_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    work_week: str = Field(default="01234", max_length=7)  # weekdays worked, Monday = 0
    report_year_start: str = Field(default="01-01", max_length=5)  # MM-DD of the annual period
    # the desk asks its staff for a TOTP code besides the password
    desk_totp_required: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow)


class CommunePopulation(SQLModel, table=True):
    """Population (and households) of a commune for a year: reports use the report year's."""

    __table_args__ = (UniqueConstraint("commune_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    year: int
    population: int | None = None
    households: int | None = None


class Village(SQLModel, table=True):
    """Thôn, tổ dân phố."""

    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    name: str = Field(max_length=120)
    active: bool = True


class Category(SQLModel, table=True):
    """Lĩnh vực. Default categories carry a slug so their names can be translated."""

    __table_args__ = (UniqueConstraint("commune_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    slug: str = Field(max_length=40)
    name: str = Field(max_length=120)
    position: int = 0
    active: bool = True
    default_staff_id: int | None = Field(default=None, foreign_key="staff.id")  # routing


class ReplyTemplate(SQLModel, table=True):
    """A canned answer an admin keeps for a category (or for every category)."""

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    category_id: int | None = Field(default=None, foreign_key="category.id")
    text: str
    active: bool = True
