"""A person's section text is plain text with `{{ name }}` placeholders, never a template
(issue 19): the attacks are refused when saved and change nothing; a text saved before, with
template code, is not run; the default templates render within a budget."""

import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from locales.catalogs import translation
from models import ReportKind, ReportSection
from reports import sandbox, sections
from reports.build import ReportRequest, build_report
from reports.variables import placeholder_values, sample_variables
from services.communes import registry as communes
from services.reporting import placeholders
from services.reporting import settings as report_settings
from services.reporting.placeholders import SectionTextRefused
from services.statistics import periods
from tests.reports.seeds import POLICY, WARD_NOW

NESTED_LOOPS = "{% for i in range(20000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}"
THREE_LOOPS = (
    "{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)
vi = translation("vi").gettext


async def test_the_attacks_are_refused_when_saved_and_change_nothing(
    session: AsyncSession,
) -> None:
    commune = await communes.add_commune(session, "7060", year=2024)
    assert commune.id is not None
    commune_id, kept = commune.id, "{{ ubnd_full }} đã chỉ đạo."
    await report_settings.set_section(session, commune_id, "direction", kept)
    said = {
        NESTED_LOOPS: "Dòng 1: “{% for i in range(20000) %}{% for j in r”: không được dùng",
        "{{ 'a'|center(10**9) }}": "“'a'|center(10**9)” không phải là tên trường",
        "{{ received:>1000000000 }}": "“received:>1000000000” không phải là tên trường",
        "{{ received }} lượt\n{{ recieved }}, {{ ubnd }}, {{ lượt }}": (
            "Dòng 2: {{ recieved }}, {{ lượt }} không phải là trường số liệu của báo cáo"
        ),
        "Kết quả: {{ received": "Dòng 1: có chỗ mở “{{” mà không đóng bằng “}}”",
    }
    for attack, words in said.items():
        with pytest.raises(SectionTextRefused) as refused:
            await report_settings.set_section(session, commune_id, "direction", attack)
        assert words in placeholders.describe(refused.value, vi), attack
        await session.rollback()
        assert await report_settings.section_overrides(session, commune_id) == {"direction": kept}
    unknown = placeholders.describe(SectionTextRefused("unknown", 1, ("x",)), vi)
    assert "rated, received, rejected, report_date, resolved" in unknown, "it lists the names"


def test_a_text_is_filled_never_run() -> None:
    values = placeholder_values(sample_variables())
    filled = placeholders.fill(
        "{{received}} lượt ({{ on_time_rate }}) qua {{ channels_used }}: {{ categories }}; "
        "{x:>1000000000} {received:>1000000000} {0.__class__} }} {",
        values,
    )
    assert filled == (
        "135 lượt (88,0%) qua Telegram và Zalo: Đất đai (80 lượt) và Khác (55 lượt); "
        "{x:>1000000000} {received:>1000000000} {0.__class__} }} {"
    )
    assert values["acknowledged_in_time_share"] == "", "a share that cannot be known: nothing"
    assert values["superiors"] == "Ủy ban nhân dân tỉnh"
    assert "digital" not in values


async def test_a_text_saved_before_with_template_code_is_not_run(session: AsyncSession) -> None:
    commune = await communes.add_commune(session, "7060", year=2024)
    assert commune.id is not None
    request = ReportRequest((commune.id,), ReportKind.ANNUAL, periods.annual(2024))
    default = await build_report(session, POLICY, request, now=WARD_NOW)
    # what a database from before placeholders may hold (set_section refuses these now)
    session.add(ReportSection(commune_id=commune.id, section="direction", body=THREE_LOOPS))
    session.add(ReportSection(commune_id=commune.id, section="difficulties", body="{{ x|e }}"))
    session.add(ReportSection(commune_id=commune.id, section="closing", body="Hết {{ year }}./."))
    await session.commit()

    report = await build_report(session, POLICY, request, now=WARD_NOW)
    assert report.fallbacks == ["direction", "difficulties"]
    assert report.sections["direction"] == default.sections["direction"]
    assert report.sections["difficulties"] == default.sections["difficulties"]
    assert report.sections["closing"] == ["Hết 2024./."], "plain placeholders read as before"
    assert sections.unusable({"direction": THREE_LOOPS}, {"direction": "Của phiên bản."}) == []

    edited = ReportRequest(
        request.commune_ids, request.kind, request.period, sections={"closing": NESTED_LOOPS}
    )
    report = await build_report(session, POLICY, edited, now=WARD_NOW)
    assert report.fallbacks == ["direction", "difficulties", "closing"]
    assert report.sections["closing"] == ["Hết 2024./."], "the commune's text, under it"


def test_the_default_templates_render_within_a_budget() -> None:
    env = sandbox.environment()
    stopped = sandbox.Budget(60)
    stopped.stop()  # what the event loop does when it stops waiting for the thread
    with pytest.raises(sandbox.RenderTooCostly, match="time"):
        sandbox.render(env.from_string(THREE_LOOPS), {}, stopped)
    spent = sandbox.Budget(0)
    with pytest.raises(sandbox.RenderTooCostly, match="time"):
        sandbox.render(env.from_string(THREE_LOOPS), {}, spent)
    huge = "{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}"
    with pytest.raises(sandbox.RenderTooCostly, match="size"):
        sandbox.render(env.from_string(huge), {}, sandbox.Budget(60))
    assert sandbox.render(env.from_string("{{ 2 * 3 }}"), {}, sandbox.Budget(60)) == "6"
