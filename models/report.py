"""What the commune's reports need besides the cases: who receives them (the superior
level), how they are signed and scheduled, the editable sections, and every version that
was approved or sent."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import enum_type, utcnow


class SignerRole(StrEnum):
    CHAIRMAN = "chairman"  # TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH
    VICE_CHAIRMAN = "vice_chairman"  # TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH


class ReportKind(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEAR = "half_year"  # 6 tháng
    NINE_MONTHS = "nine_months"  # 9 tháng
    ANNUAL = "annual"
    RANGE = "range"


class ReportStatus(StrEnum):
    DRAFT = "draft"  # waiting for a leader: "Duyệt gửi" or "Sửa"
    APPROVED = "approved"  # a leader approved it; being sent
    SENT = "sent"  # delivered to the superior level (kept as sent)
    SUPERSEDED = "superseded"  # a newer draft replaced it before approval


class Superior(SQLModel, table=True):
    """Cấp trên: the district before 7/2025, the province (or its departments) now. A commune
    may have several; each can be addressed ("Kính gửi"), copied ("Nơi nhận"), and reached
    on Telegram and/or by e-mail."""

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    position: int = 0
    name: str = Field(max_length=200)  # "Ủy ban nhân dân thành phố Hạ Long"
    short_name: str | None = Field(default=None, max_length=120)  # "UBND TP Hạ Long"
    addressed: bool = True  # listed after "Kính gửi:"
    copied: bool = True  # listed under "Nơi nhận:"
    telegram_chat_id: int | None = Field(default=None, sa_type=BigInteger)
    email: str | None = Field(default=None, max_length=254)
    active: bool = True


class ReportSettings(SQLModel, table=True):
    """How a commune's reports are signed, dated and scheduled. Missing row = defaults."""

    commune_id: int = Field(foreign_key="commune.id", primary_key=True)
    place_name: str | None = Field(default=None, max_length=120)  # "Thống Nhất, ngày …"
    signer_name: str | None = Field(default=None, max_length=120)
    signer_role: SignerRole = Field(default=SignerRole.CHAIRMAN, sa_type=enum_type(SignerRole))
    copy_lines: str | None = None  # extra "Nơi nhận" lines, one per line ("Lưu: VT.")
    monthly_day: int = 1  # day of the month the previous month's summary goes out
    send_time: str = Field(default="08:00", max_length=5)
    annual_on: str = Field(default="12-05", max_length=5)  # MM-DD the annual draft is made
    monthly_channels: str = Field(default="all", max_length=10)  # all | digital
    annual_channels: str = Field(default="all", max_length=10)
    updated_at: datetime = Field(default_factory=utcnow)


class ReportSection(SQLModel, table=True):
    """A commune's own text for one free-text section of its reports: plain text with
    `{{ name }}` placeholders (services/reporting/placeholders.py; older rows may hold jinja2
    template code, which is not run: the default stands in)."""

    __table_args__ = (UniqueConstraint("commune_id", "section"),)

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    section: str = Field(max_length=40)
    body: str
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_id: int | None = Field(default=None, foreign_key="staff.id")


class ReportVersion(SQLModel, table=True):
    """One generated report kept with its numbers and file. Approved or sent versions are
    never changed: generating the report again makes a new version."""

    __table_args__ = (
        UniqueConstraint("commune_id", "kind", "period_start", "period_end", "channels", "version"),
        Index("ix_reportversion_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    commune_id: int = Field(foreign_key="commune.id", index=True)
    kind: ReportKind = Field(sa_type=enum_type(ReportKind))
    period_start: date
    period_end: date
    channels: str = Field(default="all", max_length=10)
    version: int = 1
    status: ReportStatus = Field(default=ReportStatus.DRAFT, sa_type=enum_type(ReportStatus))
    as_of: datetime
    title: str = ""  # the subject line, as sent
    summary: str = ""  # the key figures in a few lines, for a chat message or an e-mail
    number: str | None = Field(default=None, max_length=40)  # "Số: …/BC-UBND", blank by default
    sections: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # edits for this version
    statistics: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    docx: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    approved_by_id: int | None = Field(default=None, foreign_key="staff.id")
    approved_at: datetime | None = None
    sent_at: datetime | None = None
