"""Everything the document templates (report.docx, report.html.j2) see, as plain strings
and lists. Values from the data stay text here: the templates escape them."""

import re
from typing import TYPE_CHECKING, Any

from models import SignerRole, Superior
from reports import formatting as fmt
from reports.queries import Row, total
from reports.variables import addressed

if TYPE_CHECKING:
    from reports.build import BuiltReport

COUNTRY = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGNER_LINES = {
    SignerRole.CHAIRMAN: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    SignerRole.VICE_CHAIRMAN: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
}
BLANK_NUMBER = "Số:      /BC-UBND"
DEFAULT_COPIES = "Lưu: VT."
# XML 1.0 refuses these; docxtpl would also turn \a and \f into paragraph and page breaks
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean(value: Any) -> Any:
    """Strings without control characters (tabs and line breaks kept), recursively."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean(item) for item in value]
    return value


def listed(lines: list[str]) -> list[str]:
    """ "- A;", "- B;", "- C." as a list in an official letter ends."""
    bare = [line.strip().lstrip("-–•+ ").rstrip(" ;.,") for line in lines]
    bare = [line for line in bare if line]
    return [f"- {line}{'.' if i == len(bare) - 1 else ';'}" for i, line in enumerate(bare)]


def number_line(number: str | None) -> str:
    """ "Số: 15/BC-UBND", or the blank the văn thư fills in by hand."""
    text = (number or "").strip()
    if not text:
        return BLANK_NUMBER
    return f"Số: {text}" if "/" in text else f"Số: {text}/BC-UBND"


def recipients(superiors: list[Superior]) -> list[str]:
    names = [s.name for s in addressed(superiors)]
    if len(names) == 1:
        return [names[0].rstrip(" .;") + "."]
    return listed(names)


def copies(superiors: list[Superior], copy_lines: str | None) -> list[str]:
    lines = [s.short_name or s.name for s in superiors if s.copied]
    lines += (copy_lines or DEFAULT_COPIES).splitlines()
    return listed(lines)


def table_row(row: Row, no: int | str) -> dict[str, str]:
    out = {"no": str(no), "name": row.name}
    for key in (
        "received",
        "carried_over",
        "answered",
        "early",
        "on_time",
        "late",
        "pending",
        "pending_overdue",
    ):
        out[key] = fmt.number(getattr(row, key))
    return out


TITLE_LINE = 62  # characters of 14 pt bold Times that fit on a line of the subject
_PERIOD = re.compile(r" (năm|tháng|quý|\d+ tháng đầu năm) (\S+)")


def unbroken_names(title: str, report: "BuiltReport") -> str:
    """The communes' names kept on one line in the subject (no break inside "Thống Nhất")."""
    for commune in report.communes:
        name = fmt.bare_name(commune)
        title = title.replace(name, name.replace(" ", "\u00a0"))
    return title


def title_lines(title: str, report: "BuiltReport") -> list[str]:
    """The subject broken where a person breaks it: before "của xã …" and before "(từ ngày
    …)", joining what fits on a line; "năm 2024" never alone (it holds to the word before)."""
    phrases = re.split(r" (?=của |\(từ ngày )", title)
    lines: list[str] = []
    for phrase in phrases:
        if lines and len(lines[-1]) + 1 + len(phrase) <= TITLE_LINE:
            lines[-1] += " " + phrase
        else:
            lines.append(phrase)
    glued = [_PERIOD.sub(lambda m: f"\u00a0{m[1]}\u00a0{m[2]}", line) for line in lines]
    return [unbroken_names(line, report) for line in glued]


def document_context(report: "BuiltReport") -> dict[str, Any]:
    first = report.communes[0]
    settings = report.settings
    by_channel = report.by_channel
    context: dict[str, Any] = {
        "issuer_parent": "ỦY BAN NHÂN DÂN",
        "issuer": first.name.upper(),
        "number_line": number_line(report.request.number),
        "country": COUNTRY,
        "motto": MOTTO,
        "place_date": f"{report.place}, {report.date_words()}",
        "title": "\n".join(title_lines(report.title, report)),  # docxtpl: \n breaks the line
        "title_lines": title_lines(report.title, report),
        "period": fmt.period_words(
            report.request.kind, report.request.period, first.report_year_start
        ),
        "recipients": recipients(report.superiors),
        "sections": report.sections,
        "channel_rows": [table_row(row, i) for i, row in enumerate(by_channel, start=1)],
        "channel_rows_total": table_row(total(by_channel), ""),
        "category_rows": [table_row(row, i) for i, row in enumerate(report.by_category, 1)],
        "category_rows_total": table_row(total(report.by_category), ""),
        "copies": copies(report.superiors, settings.copy_lines),
        "signer_lines": SIGNER_LINES[settings.signer_role],
        "signer_name": settings.signer_name or "",
    }
    return clean(context)
