"""The cases file (docs/cases-file.md): its Vietnamese columns, the words its values are
written in (both ways; the stored codes are accepted too) and its dates. The export writes
it and the import reads it, so an export imported into an empty database gives the same
report."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from models import Channel, Kind, Rating, TicketStatus
from services.calendar.deadlines import END_OF_DAY
from services.text import nfc


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    derived: bool = False  # written by the export, ignored by the import


COLUMNS = (
    Column("code", "Mã hồ sơ", required=True),
    Column("channel", "Kênh tiếp nhận", required=True),
    Column("kind", "Loại", required=True),
    Column("category", "Lĩnh vực"),
    Column("village", "Thôn/Tổ dân phố"),
    Column("received_at", "Thời điểm tiếp nhận", required=True),
    Column("ack_due_at", "Hạn tiếp nhận"),
    Column("resolve_due_at", "Hạn giải quyết"),
    Column("forward_due_at", "Hạn chuyển đơn"),
    Column("acknowledged_at", "Thời điểm tiếp nhận xử lý"),
    Column("closed_at", "Thời điểm trả lời/đóng"),
    Column("status", "Trạng thái", required=True),
    Column("outcome", "Kết quả", derived=True),
    Column("working_days", "Số ngày làm việc", derived=True),
    Column("rating", "Đánh giá"),
    Column("rated_at", "Thời điểm đánh giá"),
    Column("resident", "Mã người dân"),
    Column("text", "Nội dung"),
)
BY_KEY = {c.key: c for c in COLUMNS}
DEADLINES = ("ack_due_at", "resolve_due_at", "forward_due_at")
MOMENTS = ("received_at", "acknowledged_at", "closed_at", "rated_at")

CHANNEL_WORDS = {
    Channel.TELEGRAM: "Telegram",
    Channel.ZALO: "Zalo",
    Channel.WEB: "Trang web",
    Channel.PORTAL: "Cổng TTĐT",
    Channel.FACEBOOK: "Facebook",
    Channel.EMAIL: "Thư điện tử",
    Channel.IN_PERSON: "Trực tiếp",
    Channel.PHONE: "Điện thoại",
    Channel.MAILBOX: "Hòm thư góp ý",
    Channel.OTHER: "Kênh khác",
}
KIND_WORDS = {
    Kind.REPORT: "Phản ánh",
    Kind.PROPOSAL: "Kiến nghị",
    Kind.QUESTION: "Hỏi đáp",
    Kind.COMPLAINT: "Khiếu nại",
    Kind.DENUNCIATION: "Tố cáo",
}
STATUS_WORDS = {
    TicketStatus.NEW: "Mới tiếp nhận",
    TicketStatus.ACKNOWLEDGED: "Đang xử lý",
    TicketStatus.RESOLVED: "Đã giải quyết",
    TicketStatus.FORWARDED: "Đã chuyển cơ quan có thẩm quyền",
    TicketStatus.REJECTED: "Từ chối thụ lý",
    TicketStatus.MERGED: "Đã gộp",
    TicketStatus.WITHDRAWN: "Đã rút",
}
RATING_WORDS = {
    Rating.VERY_SATISFIED: "Rất hài lòng",
    Rating.SATISFIED: "Hài lòng",
    Rating.UNSATISFIED: "Chưa hài lòng",
}
EARLY, ON_TIME, LATE, NOT_DUE = "Trước hạn", "Đúng hạn", "Quá hạn", "Chưa đến hạn"

_CLOCK = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
_VIETNAMESE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _CLOCK)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _CLOCK)


def key(text: str) -> str:
    """How names are compared: NFC, case-insensitive, spaces collapsed, diacritics kept."""
    return " ".join(nfc(text).split()).casefold()


E = TypeVar("E", bound=StrEnum)


def reader(words: dict[E, str]) -> dict[str, E]:
    """Word or stored code → value."""
    out = {key(word): value for value, word in words.items()}
    out.update({key(value.value): value for value in words})
    return out


CHANNELS = reader(CHANNEL_WORDS)
KINDS = reader(KIND_WORDS)
STATUSES = reader(STATUS_WORDS)
RATINGS = reader(RATING_WORDS)


def parse_moment(raw: object, tz: ZoneInfo, *, deadline: bool = False) -> datetime:
    """dd/mm/yyyy[ HH:MM[:SS]] (or yyyy-mm-dd…), local time; a spreadsheet's own date cell.
    A deadline given as a date alone ends that day (23:59:59). ValueError otherwise."""
    if isinstance(raw, datetime):
        moment = raw
        if deadline and moment.time() == time.min:
            moment = datetime.combine(moment.date(), END_OF_DAY)
        return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
    if isinstance(raw, date):
        return datetime.combine(raw, END_OF_DAY if deadline else time.min, tzinfo=tz)
    text = str(raw).strip()
    match = _VIETNAMESE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(text)
        year, month, day, hour, minute, second = match.groups()
    when = date(int(year), int(month), int(day))  # ValueError for 31/11
    if hour is None:
        return datetime.combine(when, END_OF_DAY if deadline else time.min, tzinfo=tz)
    clock = time(int(hour), int(minute), int(second or 0))
    return datetime.combine(when, clock, tzinfo=tz)


def local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored UTC moment as naive local time, to the minute, as the file shows it."""
    if moment is None:
        return None
    return moment.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)


def as_text(value: object) -> str:
    """A cell as the CSV writes it: moments dd/mm/yyyy HH:MM, deadlines (dates) dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
