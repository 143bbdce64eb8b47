"""Checking each row of a cases file (docs/cases-file.md; services/cases_file/reading.py reads
it): every problem is kept with its line, so a whole file's mistakes are reported at once. Problems are codes; the CLI
words them."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models import Channel, Kind, Rating, TicketStatus
from services.cases.codes import parse_code
from services.cases_file import columns as cc
from services.cases_file.reading import LIMITS, RowError, blank
from services.errors import InvalidTicketCode

_WORDS: dict[str, tuple[dict[str, Any], dict[Any, str]]] = {
    "channel": (cc.CHANNELS, cc.CHANNEL_WORDS),
    "kind": (cc.KINDS, cc.KIND_WORDS),
    "status": (cc.STATUSES, cc.STATUS_WORDS),
    "rating": (cc.RATINGS, cc.RATING_WORDS),
}


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


class RowChecker:
    """Checks rows against the header's columns; errors pile up in `errors`, the first
    `limit` of them, and are all counted in `count`."""

    def __init__(self, header: list[str], tz: ZoneInfo, limit: int = LIMITS.problems) -> None:
        self.tz = tz
        self.limit = limit
        self.errors: list[RowError] = []
        self.count = 0
        headers = {cc.key(h): i for i, h in enumerate(header) if h}
        self.index = {
            c.key: headers[cc.key(c.header)] for c in cc.COLUMNS if cc.key(c.header) in headers
        }
        missing = [c.header for c in cc.COLUMNS if c.required and c.key not in self.index]
        if missing:
            self.add(RowError(1, "missing_columns", detail=", ".join(missing)))
        self.first_line: dict[str, int] = {}

    def _get(self, cells: list[Any], name: str) -> Any:
        i = self.index.get(name)
        return blank(cells[i]) if i is not None and i < len(cells) else None

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def _fail(self, line: int, problem: str, name: str, value: Any = "", detail: str = "") -> None:
        header = cc.BY_KEY[name].header
        self.add(RowError(line, problem, header, str(value or ""), detail))

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
        before = self.count
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
        if self.count > before:
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
