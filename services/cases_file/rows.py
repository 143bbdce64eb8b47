"""Reading a cases file and checking each row (docs/cases-file.md): every problem is kept
with its line, so a whole file's mistakes are reported at once. Problems are codes; the CLI
words them."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from models import Channel, Kind, Rating, TicketStatus
from services.cases.codes import parse_code
from services.cases_file import columns as cc
from services.errors import InvalidInput, InvalidTicketCode
from services.text import nfc

_WORDS: dict[str, tuple[dict[str, Any], dict[Any, str]]] = {
    "channel": (cc.CHANNELS, cc.CHANNEL_WORDS),
    "kind": (cc.KINDS, cc.KIND_WORDS),
    "status": (cc.STATUSES, cc.STATUS_WORDS),
    "rating": (cc.RATINGS, cc.RATING_WORDS),
}
Line = tuple[int, list[Any]]  # the row's line in the file (the header is line 1), its cells


@dataclass(frozen=True)
class RowError:
    line: int
    problem: str  # missing_columns, required, unknown, bad_date, bad_code, code_year,
    # duplicate_code, before_receipt, needs, not_with_status, bad_key
    column: str = ""
    value: str = ""
    detail: str = ""


@dataclass
class CaseRow:
    line: int
    code: str
    year: int
    seq: int
    channel: Channel
    kind: Kind
    category: str | None  # the name as written; resolved to an id by the importer
    village: str | None
    received_at: datetime
    status: TicketStatus
    deadlines: dict[str, datetime] = field(default_factory=dict)  # those the file gives
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    rating: Rating | None = None
    rated_at: datetime | None = None
    resident: str | None = None
    text: str = ""


def read_table(path: Path) -> tuple[list[str], Iterator[Line]]:
    """The header and the non-empty rows of a .csv (UTF-8, with or without BOM; comma,
    semicolon or tab) or of the first sheet of an .xlsx."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        cells = ((n, list(r)) for n, r in enumerate(sheet.iter_rows(values_only=True), 1))
    elif path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        cells = ((n, list(r)) for n, r in enumerate(records, 1))
    else:
        raise InvalidInput(f"{path.name}: .csv or .xlsx")
    rows = (row for row in cells if any(_blank(v) is not None for v in row[1]))
    header_row = next(rows, None)
    header = [nfc(str(v or "")).strip() for v in header_row[1]] if header_row else []
    return header, rows


def _blank(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return nfc(value).strip() or None
    return value


class RowChecker:
    """Checks rows against the header's columns; errors pile up in `errors`."""

    def __init__(self, header: list[str], tz: ZoneInfo) -> None:
        self.tz = tz
        self.errors: list[RowError] = []
        headers = {cc.key(h): i for i, h in enumerate(header) if h}
        self.index = {
            c.key: headers[cc.key(c.header)] for c in cc.COLUMNS if cc.key(c.header) in headers
        }
        missing = [c.header for c in cc.COLUMNS if c.required and c.key not in self.index]
        if missing:
            self.errors.append(RowError(1, "missing_columns", detail=", ".join(missing)))
        self.first_line: dict[str, int] = {}

    def _get(self, cells: list[Any], name: str) -> Any:
        i = self.index.get(name)
        return _blank(cells[i]) if i is not None and i < len(cells) else None

    def _fail(self, line: int, problem: str, name: str, value: Any = "", detail: str = "") -> None:
        header = cc.BY_KEY[name].header
        self.errors.append(RowError(line, problem, header, str(value or ""), detail))

    def _word(self, line: int, cells: list[Any], name: str) -> Any:
        accepted, words = _WORDS[name]
        value = self._get(cells, name)
        if value is None:
            if cc.BY_KEY[name].required:
                self._fail(line, "required", name)
            return None
        found = accepted.get(cc.key(str(value)))
        if found is None:
            self._fail(line, "unknown", name, value, ", ".join(words.values()))
        return found

    def _moment(self, line: int, cells: list[Any], name: str, deadline: bool = False) -> Any:
        value = self._get(cells, name)
        if value is None:
            if cc.BY_KEY[name].required:
                self._fail(line, "required", name)
            return None
        try:
            return cc.parse_moment(value, self.tz, deadline=deadline)
        except ValueError:
            self._fail(line, "bad_date", name, value)
            return None

    def places(self, cells: list[Any]) -> dict[str, str | None]:
        """The category and the village as written (the importer knows the names)."""
        return {name: self._text(cells, name) for name in ("category", "village")}

    def _text(self, cells: list[Any], name: str) -> str | None:
        value = self._get(cells, name)
        return None if value is None else str(value)

    def check(self, line: int, cells: list[Any]) -> CaseRow | None:
        before = len(self.errors)
        raw_code = self._get(cells, "code")
        code = None
        if raw_code is None:
            self._fail(line, "required", "code")
        else:
            try:
                code = parse_code(str(raw_code))
            except InvalidTicketCode:
                self._fail(line, "bad_code", "code", raw_code)
        channel = self._word(line, cells, "channel")
        kind = self._word(line, cells, "kind")
        status = self._word(line, cells, "status")
        rating = self._word(line, cells, "rating")
        moments = {name: self._moment(line, cells, name) for name in cc.MOMENTS}
        deadlines = {name: self._moment(line, cells, name, True) for name in cc.DEADLINES}
        received = moments["received_at"]
        if code is not None:
            if code in self.first_line:
                self._fail(line, "duplicate_code", "code", code, str(self.first_line[code]))
            else:
                self.first_line[code] = line
            if received is not None and int(code[2:4]) != received.astimezone(self.tz).year % 100:
                self._fail(line, "code_year", "code", code, str(received.astimezone(self.tz).year))
        if received is not None:
            for name in ("acknowledged_at", "closed_at", "rated_at"):
                if moments[name] is not None and moments[name] < received:
                    self._fail(
                        line, "before_receipt", name, cc.as_text(cc.local(moments[name], self.tz))
                    )
        if status is not None:
            self._consistent(line, status, moments, rating)
        resident = self._get(cells, "resident")
        if resident is not None and not (1 <= len(str(resident)) <= 32):
            self._fail(line, "bad_key", "resident", resident)
        if len(self.errors) > before:
            return None
        assert code and channel and kind and status and received
        return CaseRow(
            line=line,
            code=code,
            year=received.astimezone(self.tz).year,
            seq=int(code.split("-")[1]),
            channel=channel,
            kind=kind,
            category=self._text(cells, "category"),
            village=self._text(cells, "village"),
            received_at=received,
            status=status,
            deadlines={k: v for k, v in deadlines.items() if v is not None},
            acknowledged_at=moments["acknowledged_at"],
            closed_at=moments["closed_at"],
            rating=rating,
            rated_at=moments["rated_at"] or (moments["closed_at"] if rating else None),
            resident=str(resident) if resident is not None else None,
            text=str(self._get(cells, "text") or ""),
        )

    def _consistent(
        self, line: int, status: TicketStatus, moments: dict[str, Any], rating: Rating | None
    ) -> None:
        word = cc.STATUS_WORDS[status]
        if status is TicketStatus.ACKNOWLEDGED and moments["acknowledged_at"] is None:
            self._fail(line, "needs", "acknowledged_at", word)
        if status.is_open:
            for name in ("closed_at", "rated_at"):
                if moments[name] is not None:
                    self._fail(line, "not_with_status", name, word)
            if rating is not None:
                self._fail(line, "not_with_status", "rating", word)
        elif moments["closed_at"] is None:
            self._fail(line, "needs", "closed_at", word)
        if status is TicketStatus.NEW and moments["acknowledged_at"] is not None:
            self._fail(line, "not_with_status", "acknowledged_at", word)
