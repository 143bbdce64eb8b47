"""A commune's cases received in a period, one row each, as .xlsx or CSV (the columns of
services/cases_file/columns.py, docs/cases-file.md). The case text only when asked for: it is the
residents' own words. Residents appear by their pseudonymous key, never by Telegram id or
phone."""

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import uuid4

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Category,
    Commune,
    Rating,
    Resident,
    Staff,
    Ticket,
    TicketStatus,
    Village,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases_file import cells
from services.cases_file import columns as cc
from services.statistics.figures import ANSWERED, Period

FORMATS = ("xlsx", "csv")
_WIDTHS = {"text": 60, "category": 22, "village": 22, "status": 24, "resident": 34}


async def _give_keys(session: AsyncSession, commune_id: int) -> None:
    """Residents from before the key existed get one, once, so every export agrees."""
    filed = select(Ticket.resident_id).where(Ticket.commune_id == commune_id)
    keyless = (
        await session.exec(
            select(Resident).where(col(Resident.public_key).is_(None), col(Resident.id).in_(filed))
        )
    ).all()
    for resident in keyless:
        resident.public_key = uuid4().hex
        session.add(resident)
    if keyless:
        await session.commit()


def _outcome(status: TicketStatus, closed: datetime | None, due: datetime, now: datetime, tz: Any):
    if status.is_open:
        return cc.LATE if due < now else cc.NOT_DUE
    if status not in ANSWERED or closed is None:
        return None
    late_by = (closed.astimezone(tz).date() - due.astimezone(tz).date()).days
    return cc.EARLY if late_by < 0 else cc.ON_TIME if late_by == 0 else cc.LATE


_FIELDS = (
    "code",
    "channel",
    "kind",
    "status",
    "received_at",
    "ack_due_at",
    "resolve_due_at",
    "forward_due_at",
    "acknowledged_at",
    "closed_at",
    "rating",
    "rated_at",
    "text",  # last: left out unless asked for
)


class _WorkingDays:
    """Working days from receipt to closing; the same pairs of dates recur, counted once."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self.known: dict[tuple[date, date], int] = {}

    def between(self, start: date, end: date) -> int:
        if (start, end) not in self.known:
            self.known[start, end] = self.calendar.working_days_between(start, end)
        return self.known[start, end]


async def rows(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune,
    period: Period,
    *,
    with_text: bool,
    now: datetime,
) -> list[list[Any]]:
    """The header, then one row per case received in the period, by receipt. Moments are
    naive local datetimes, deadlines local dates."""
    assert commune.id is not None
    await _give_keys(session, commune.id)
    start, end = period.bounds(policy.tz)
    calendar: WorkingCalendar = await policy.calendar_for(session, commune.id)
    fields = [getattr(Ticket, name) for name in _FIELDS if with_text or name != "text"]
    places = [Category.name, Village.name, Resident.public_key]
    query = (
        select(*fields, *places)
        .outerjoin(Category, col(Category.id) == col(Ticket.category_id))
        .outerjoin(Village, col(Village.id) == col(Ticket.village_id))
        .outerjoin(Resident, col(Resident.id) == col(Ticket.resident_id))
        .where(
            Ticket.commune_id == commune.id,
            col(Ticket.received_at) >= start,
            col(Ticket.received_at) < end,
        )
        .order_by(col(Ticket.received_at), col(Ticket.id))
    )
    columns = [c for c in cc.COLUMNS if with_text or c.key != "text"]
    out: list[list[Any]] = [[c.header for c in columns]]
    tz = policy.tz
    days = _WorkingDays(calendar)
    for *_fields, category, village, resident_key in await session.exec(query):
        ticket = dict(zip(_FIELDS, _fields, strict=False))
        status = TicketStatus(ticket["status"])
        due = ticket["forward_due_at" if status is TicketStatus.FORWARDED else "resolve_due_at"]
        closed = ticket["closed_at"]
        values = {
            "code": ticket["code"],
            "channel": cc.CHANNEL_WORDS[ticket["channel"]],
            "kind": cc.KIND_WORDS[ticket["kind"]],
            "category": category,
            "village": village,
            "received_at": cc.local(ticket["received_at"], tz),
            "acknowledged_at": cc.local(ticket["acknowledged_at"], tz),
            "closed_at": cc.local(closed, tz),
            "status": cc.STATUS_WORDS[status],
            "outcome": _outcome(status, closed, due, now, tz),
            "working_days": days.between(
                policy.local_date(ticket["received_at"]), policy.local_date(closed)
            )
            if closed
            else None,
            "rating": cc.RATING_WORDS[Rating(ticket["rating"])] if ticket["rating"] else None,
            "rated_at": cc.local(ticket["rated_at"], tz),
            "resident": resident_key,
            "text": ticket.get("text"),
        }
        for deadline in cc.DEADLINES:
            values[deadline] = policy.local_date(ticket[deadline])
        out.append([values[c.key] for c in columns])
    return out


def to_csv(table: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel shows the Vietnamese letters; texts that a spreadsheet would
    take for a formula behind a `'` (services/cases_file/cells.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(
        [[cells.for_csv(v) if isinstance(v, str) else cc.as_text(v) for v in row] for row in table]
    )
    return buffer.getvalue().encode("utf-8-sig")


def _cell(sheet: Any, value: Any, new_cell: Any) -> Any:
    """Dates stay dates in Excel (sortable, filterable), shown the Vietnamese way. Texts are
    string cells, never formulas, whatever they start with (services/cases_file/cells.py); one
    that looks like a formula is also marked so that Excel keeps it text when it is edited. The
    control characters an .xlsx cannot hold become U+FFFD rather than failing the export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, date):
        cell = new_cell(sheet, value)
        cell.number_format = "dd/mm/yyyy hh:mm" if isinstance(value, datetime) else "dd/mm/yyyy"
        return cell
    if isinstance(value, str):
        cell = new_cell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
        cell.data_type = "s"  # openpyxl takes a text starting with = for a formula
        if cells.is_formula_like(value):
            cell.quotePrefix = True
        return cell
    return value


def to_xlsx(table: Sequence[Sequence[Any]]) -> bytes:
    # openpyxl brings numpy and Pillow when they are installed: ~25 MB, only for an export
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Hồ sơ PAKN")
    header = list(table[0])
    keys = {c.header: c.key for c in cc.COLUMNS}
    for index, title in enumerate(header, start=1):
        width = _WIDTHS.get(keys[title], max(14, len(title) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, title, WriteOnlyCell) for title in header])
    for row in table[1:]:
        sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def export_cases(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune,
    period: Period,
    file_format: str,
    *,
    with_text: bool = False,
    now: datetime,
) -> bytes:
    table = await rows(session, policy, commune, period, with_text=with_text, now=now)
    return to_xlsx(table) if file_format == "xlsx" else to_csv(table)


async def record_export(
    session: AsyncSession, member: Staff, period: Period, file_format: str, now: datetime
) -> None:
    """Who took which cases out, and when (the file holds no names, but it is the data)."""
    session.add(
        AuditEntry(
            at=now,
            commune_id=member.commune_id,
            staff_id=member.id,
            actor_telegram_id=member.telegram_id,
            action="export_cases",
            allowed=True,
            detail=f"{period.start.isoformat()}..{period.end.isoformat()} {file_format}",
        )
    )
    await session.commit()
