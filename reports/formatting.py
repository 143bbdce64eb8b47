"""Vietnamese formats for the documents (Babel vi_VN), and the words for communes, periods
and channels. Reports are official Vietnamese documents: these words are not translated."""

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from models import Channel, Commune, ReportKind
from services.statistics import periods
from services.statistics.figures import Period

LOCALE = "vi_VN"
CHANNEL_NAMES: dict[str, str] = {
    Channel.TELEGRAM: "Telegram",
    Channel.ZALO: "Zalo",
    Channel.WEB: "Trang web",
    Channel.PORTAL: "Cổng thông tin điện tử",
    Channel.FACEBOOK: "Facebook",
    Channel.EMAIL: "Thư điện tử",
    Channel.IN_PERSON: "Trực tiếp",
    Channel.PHONE: "Điện thoại",
    Channel.MAILBOX: "Hòm thư góp ý",
    Channel.OTHER: "Khác",
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def number(value: int | Decimal) -> str:
    """1297 → "1.297"; 8.4 → "8,4"."""
    if isinstance(value, Decimal):
        return format_decimal(value, format="#,##0.0", locale=LOCALE)
    return format_decimal(value, locale=LOCALE)


def percent(value: Decimal | None, *, some: bool = False) -> str:
    """A percentage already rounded half up to one decimal (services.statistics.figures.percent):
    Decimal("6.2") → "6,2%". Empty when there was nothing to divide. `some`: the count is not
    zero, so a share that rounds to 0,0% is "dưới 0,1%" (3 people in 12.290)."""
    if value is None:
        return ""
    if some and value == 0:
        return "dưới " + format_percent(Decimal("0.001"), format="#,##0.0%", locale=LOCALE)
    return format_percent(value / 100, format="#,##0.0%", locale=LOCALE)


def short_date(day: date) -> str:
    """06/12/2024."""
    return format_date(day, "dd/MM/yyyy", locale=LOCALE)


BLANK_DAY = "…"


def long_date(day: date, *, blank_day: bool = False) -> str:
    """ "ngày 06 tháng 12 năm 2024": as Nghị định 30/2020/NĐ-CP writes a document's date, a
    0 before days under 10 and before months 1 and 2 ("ngày 19 tháng 6", "tháng 02").
    `blank_day`: "ngày … tháng 12 năm 2024", the day left for the văn thư to write in."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    number = BLANK_DAY if blank_day else f"{day.day:02d}"
    return f"ngày {number} tháng {month} năm {day.year}"


def join_vi(items: list[str] | tuple[str, ...]) -> str:
    """ "a", "a và b", "a, b và c"."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " và " + words[-1]


def bare_name(commune: Commune) -> str:
    """ "Xã Thống Nhất" → "Thống Nhất": the name without its type."""
    kind = commune.division_type.strip()
    if commune.name.lower().startswith(kind.lower() + " "):
        return commune.name[len(kind) + 1 :].strip()
    return commune.name


def commune_words(commune: Commune) -> str:
    """ "xã Thống Nhất", "phường Ba Đình", as it reads inside a sentence."""
    return f"{commune.division_type.lower()} {bare_name(commune)}"


def unit_word(communes: list[Commune]) -> str:
    """ "xã", "phường", or "xã, phường" for communes of several types."""
    kinds = list(dict.fromkeys(c.division_type.lower() for c in communes))
    return ", ".join(kinds)


def _annual_of(day: date, year_start: str) -> Period:
    for year in (day.year, day.year + 1):
        found = periods.annual(year, year_start)
        if found.start <= day <= found.end:
            return found
    return periods.annual(day.year, year_start)  # pragma: no cover - one of the two holds


def period_words(kind: ReportKind, period: Period, year_start: str = "01-01") -> str:
    """ "năm 2024", "tháng 11 năm 2024", "quý III năm 2024", "6 tháng đầu năm 2024",
    "9 tháng đầu năm 2024", or "từ ngày 01/01/2024 đến ngày 30/06/2024"."""
    annual = _annual_of(period.start, year_start)
    year = annual.end.year
    if kind is ReportKind.ANNUAL:
        return f"năm {period.end.year}"
    if kind is ReportKind.MONTHLY:
        return f"tháng {period.start.month} năm {period.start.year}"
    months = (period.start.year - annual.start.year) * 12 + period.start.month - annual.start.month
    if kind is ReportKind.QUARTERLY and months % 3 == 0 and 0 <= months < 12:
        return f"quý {ROMAN[months // 3 + 1]} năm {year}"
    if kind is ReportKind.HALF_YEAR and period.start == annual.start:
        return f"6 tháng đầu năm {year}"
    if kind is ReportKind.NINE_MONTHS and period.start == annual.start:
        return f"9 tháng đầu năm {year}"
    return f"từ ngày {short_date(period.start)} đến ngày {short_date(period.end)}"


def in_period_words(words: str) -> str:
    """ "Trong năm 2024", or "Từ ngày 01/01/2024 đến ngày 30/06/2024"."""
    if words.startswith("từ ngày"):
        return words[0].upper() + words[1:]
    return f"Trong {words}"
