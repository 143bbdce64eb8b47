"""The key figures in a few plain Vietnamese lines, for a chat message or an e-mail body."""

from typing import TYPE_CHECKING

from reports import formatting as fmt

if TYPE_CHECKING:
    from reports.build import BuiltReport


def lines(report: "BuiltReport") -> list[str]:
    s = report.statistics
    n = fmt.number
    as_of = fmt.short_date(report.as_of_date())
    pending = s.pending_not_due + s.pending_overdue
    out = [
        f"Báo cáo {report.title[0].lower()}{report.title[1:]} (số liệu đến ngày {as_of}).",
        f"Tiếp nhận: {n(s.received)} lượt"
        + (f", kỳ trước chuyển sang: {n(s.carried_over)} lượt." if s.carried_over else "."),
        f"Đã giải quyết: {n(s.answered)}/{n(s.answered + pending)} lượt "
        f"(trước hạn {n(s.early)}, đúng hạn {n(s.on_time)}, quá hạn {n(s.late)}).",
        f"Chưa giải quyết: {n(pending)} lượt"
        + (f" ({n(s.pending_overdue)} quá hạn)." if s.pending_overdue else "."),
    ]
    if s.on_time_rate is not None:
        out.append(f"Tỷ lệ giải quyết đúng hạn: {fmt.percent(s.on_time_rate)}.")
    if s.rated:
        out.append(f"Hài lòng: {fmt.percent(s.satisfied_share)} trong {n(s.rated)} lượt đánh giá.")
    if s.participation_share is not None and s.participants:
        out.append(
            f"Người dân tham gia: {n(s.participants)} người, "
            f"{fmt.percent(s.participation_share, some=True)} dân số"
            + (
                f" (số dân năm {s.population_year})."
                if s.population_year != report.request.period.end.year
                else "."
            )
        )
    return out
