"""Reading a cases file row by row, whatever is in it: a file that cannot be read is refused
with one problem (UnreadableFile) before anything is written, never with a traceback.

- CSV: UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), or the
  encoding the operator names; anything else is refused, naming the line of the first byte
  that is not UTF-8. Comma, semicolon or tab. A cell over 128 KB refuses the file. A quote
  left open, which swallows the rows after it into one cell, is a warning naming the row.
- .xlsx: the first sheet, streamed (openpyxl's read-only mode) whatever size the sheet
  claims, its first `Limits.columns` columns; a file that is not a zip (an old .xls, an
  encrypted workbook, anything renamed) or unpacks to more than `Limits.unpacked` is refused.
- Both: at most `Limits.rows` rows that are not blank and `Limits.lines` rows in all."""

import codecs
import csv
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from services.cases_file import cells
from services.errors import DomainError
from services.text import nfc

Line = tuple[int, list[Any]]  # the row's line in the file (the header is line 1), its cells
_OLE = b"\xd0\xcf\x11\xe0"  # .xls, and .xlsx encrypted with a password
_SAMPLE = 1 << 16


@dataclass(frozen=True)
class Limits:
    rows: int = 100_000  # rows that are not blank, the header apart
    lines: int = 1_048_576  # rows of any kind: as many as an Excel sheet holds
    columns: int = 100  # an .xlsx's columns read; those further right are ignored
    cell: int = 131_072  # characters in a cell (Python's csv module refuses longer)
    unpacked: int = 256 << 20  # bytes an .xlsx may unpack to
    problems: int = 100  # errors (and warnings) listed; the rest are counted


@dataclass(frozen=True)
class RowError:
    line: int
    problem: str  # missing_columns, required, unknown, bad_date, bad_code, code_year,
    # duplicate_code, before_receipt, needs, not_with_status, bad_key; a warning: open_quote
    column: str = ""
    value: str = ""
    detail: str = ""


LIMITS = Limits()


class UnreadableFile(DomainError):
    """problem: not_csv_or_xlsx, not_utf8 (detail: the byte, line), utf16_without_bom,
    bad_encoding (detail: the encoding), unknown_encoding, cell_too_long, bad_csv (detail),
    old_excel, not_excel, too_big, too_many_rows, too_many_lines (detail: the limit)."""

    def __init__(self, problem: str, line: int = 0, detail: str = "") -> None:
        super().__init__(problem, line, detail)
        self.problem, self.line, self.detail = problem, line, detail


@dataclass
class Table:
    """The header, then the rows (an iterator: read once, as the import checks them).
    Warnings (problem "open_quote") fill as it is read."""

    header: list[str]
    rows: Iterator[Line]
    warnings: list[RowError] = field(default_factory=list)


def read_table(path: Path, *, encoding: str | None = None, limits: Limits = LIMITS) -> Table:
    warnings: list[RowError] = []
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        lines: Iterator[Line] = _xlsx(path, limits)
    elif suffix == ".csv":
        lines = _csv(path, encoding, limits, warnings)
    else:
        raise UnreadableFile("not_csv_or_xlsx")
    rows = _bounded(lines, limits)
    header_row = next(rows, None)
    header = [nfc(str(v or "")).strip() for v in header_row[1]] if header_row else []
    return Table(header, rows, warnings)


def blank(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return nfc(value).strip() or None
    return value


def _bounded(lines: Iterable[Line], limits: Limits) -> Iterator[Line]:
    """The rows that are not blank, within the limits."""
    count = 0
    for line, row in lines:
        if line > limits.lines:
            raise UnreadableFile("too_many_lines", line, str(limits.lines))
        if row.count(None) == len(row) or all(blank(v) is None for v in row):
            continue
        count += 1
        if count > limits.rows + 1:  # the header is not counted
            raise UnreadableFile("too_many_rows", line, str(limits.rows))
        if any(isinstance(v, str) and len(v) > limits.cell for v in row):
            raise UnreadableFile("cell_too_long", line, str(limits.cell))
        yield line, list(row)


def _encoding(path: Path, named: str | None) -> str:
    if named:
        try:
            name = codecs.lookup(named).name
        except LookupError:
            raise UnreadableFile("unknown_encoding", detail=named) from None
        return "utf-8-sig" if name == "utf-8" else name
    with path.open("rb") as file:
        sample = file.read(_SAMPLE)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise UnreadableFile("utf16_without_bom")
    _check_utf8(path)
    return "utf-8-sig"  # with or without its BOM


def _check_utf8(path: Path) -> None:
    """The whole file, a chunk at a time: the first byte that is not UTF-8, and its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as file:
        while chunk := file.read(_SAMPLE):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += exc.object[: exc.start].count(b"\n")
                raise UnreadableFile("not_utf8", line, f"0x{exc.object[exc.start]:02X}") from None
            line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UnreadableFile("not_utf8", line, "EOF") from None


class _Counted:
    """The file's lines as csv.reader takes them, counting those of the current record and
    the quotes in them: a record over several lines with an odd number of quotes has one left
    open (quotes inside a quoted cell are doubled, so a well-formed record has an even number)."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines, self.taken, self.quotes = lines, 0, 0

    def __iter__(self) -> "_Counted":
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken += 1
        self.quotes += line.count('"')
        return line


def _csv(path: Path, named: str | None, limits: Limits, warnings: list[RowError]) -> Iterator[Line]:
    encoding = _encoding(path, named)
    line = 0
    try:
        with path.open(encoding=encoding, newline="") as text:
            first = text.readline()
            delimiter = max(",;\t", key=first.count)
            counted = _Counted(chain([first], text))
            for line, record in enumerate(csv.reader(counted, delimiter=delimiter), 1):
                if counted.taken > 1 and counted.quotes % 2 and len(warnings) < limits.problems:
                    warnings.append(RowError(line, "open_quote", detail=str(counted.taken - 1)))
                counted.taken = counted.quotes = 0
                yield line, [cells.from_csv(cell) for cell in record]
    except UnicodeDecodeError:  # only in an encoding that was named, or a UTF-16 file
        raise UnreadableFile("bad_encoding", line + 1, encoding) from None
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise UnreadableFile("cell_too_long", line + 1, str(limits.cell)) from None
        raise UnreadableFile("bad_csv", line + 1, str(exc)) from None


def _xlsx(path: Path, limits: Limits) -> Iterator[Line]:
    if not zipfile.is_zipfile(path):
        with path.open("rb") as file:
            old = file.read(len(_OLE)) == _OLE
        raise UnreadableFile("old_excel" if old else "not_excel")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile("not_excel") from None
    if unpacked > limits.unpacked:
        raise UnreadableFile("too_big", detail=str(limits.unpacked >> 20))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # a zip that is not a workbook fails in many ways inside openpyxl
        raise UnreadableFile("not_excel") from None
    line = 0
    try:
        if not workbook.worksheets:
            raise UnreadableFile("not_excel")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size it claims is not read: only the rows it holds
        for line, row in enumerate(sheet.iter_rows(values_only=True, max_col=limits.columns), 1):
            yield line, row
    except UnreadableFile:
        raise
    except Exception:  # a damaged sheet, found as it is read
        raise UnreadableFile("not_excel", line + 1) from None
    finally:
        workbook.close()
