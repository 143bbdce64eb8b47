"""A leader's section text is never run (issue 19): template code typed in "✏️ Sửa" is refused
with a message and changes nothing; a text saved before, with template code, is not run
either (the default stands in, and the leader is told); and while a report is being built
the bot keeps answering everyone else."""

import shutil
from pathlib import Path

import pytest
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.users.actors import FakeUser
from bot.runtime.app import BotApp
from models import ReportSection, ReportVersion, Role
from reports import sections
from tests.e2e.conftest import StaffSpec, make_commune

NESTED_LOOPS = "{% for i in range(20000) %}{% for j in range(20000) %}{% endfor %}{% endfor %}"
NEVER_ENDS = (
    "{% for i in range(100000) %}{% for j in range(100000) %}{% for k in range(100000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)


async def _leader_with_a_draft(fake: FakeTelegram, db: AsyncSession) -> tuple[FakeUser, int]:
    manh = fake.add_user("Mạnh")
    commune = await make_commune(db, members=[StaffSpec(manh.id, Role.LEADER, "Mạnh")])
    assert commune.id is not None
    manh.start()
    await manh.next_message()
    return manh, commune.id


async def _versions(db: AsyncSession) -> int:
    await db.rollback()
    return (await db.exec(select(func.count()).select_from(ReportVersion))).one()


async def test_template_code_typed_in_an_edit_is_refused_and_changes_nothing(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh, _commune = await _leader_with_a_draft(fake, db)
    manh.send("/report")
    await manh.next_message()
    manh.tap("Năm nay (đến hôm nay)")
    assert "Dự thảo báo cáo (phiên bản 1)" in (await manh.next_message())["text"]
    await manh.next_message()  # the .docx
    manh.tap("✏️ Sửa")
    await manh.next_message()
    manh.tap("3. Hạn chế, khó khăn")
    assert "nội dung mới" in (await manh.next_message())["text"]
    await manh.next_message()  # the current text

    refusals = {
        NESTED_LOOPS: "không được dùng điều kiện, vòng lặp",
        "{{ 'a'|center(10**9) }}": "“'a'|center(10**9)” không phải là tên trường",
        "Đã giải quyết {{ received:>1000000000 }} lượt.": "“received:>1000000000”",
        "Còn {{ pending }} lượt,\n{{ recieved }} lượt mới.": "Dòng 2: {{ recieved }} không phải",
    }
    for attack, said in refusals.items():
        manh.send(attack)
        answer = (await manh.next_message())["text"]
        assert answer.startswith("Không thể dùng nội dung này trong báo cáo"), answer
        assert said in answer, answer
    assert await _versions(db) == 1, "a refused text makes no new version"

    manh.send("Còn {{ pending }} lượt chưa giải quyết; {x:>1000000000} là chữ thường.")
    assert "Đã lưu" in (await manh.next_message())["text"]
    assert "phiên bản 2" in (await manh.next_message())["text"]
    await manh.next_message()
    assert await _versions(db) == 2


async def test_an_old_saved_section_with_template_code_is_not_run_and_the_leader_is_told(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh, commune_id = await _leader_with_a_draft(fake, db)
    # saved before sections were plain text: a database can still hold these
    db.add(ReportSection(commune_id=commune_id, section="direction", body=NEVER_ENDS))
    db.add(ReportSection(commune_id=commune_id, section="closing", body="Gửi {{ superior }}./."))
    await db.commit()
    hoa = fake.add_user("Hoa")

    manh.send("/report")
    await manh.next_message()
    manh.tap("Năm nay (đến hôm nay)")
    hoa.start()
    assert "Hòm thư" in (await hoa.next_message())["text"]
    draft = (await manh.next_message())["text"]
    assert "mục “1. Công tác chỉ đạo, điều hành”" in draft
    assert "dùng văn bản mặc định" in draft
    await manh.next_message()  # the .docx

    manh.tap("✏️ Sửa")
    await manh.next_message()
    manh.tap("1. Công tác chỉ đạo, điều hành")
    assert "nội dung mới" in (await manh.next_message())["text"]
    assert "mã mẫu" in (await manh.next_message())["text"]
    current = (await manh.next_message())["text"]
    assert "đã quán triệt đến cán bộ" in current, "the default stands in"


async def test_residents_are_answered_while_a_report_is_being_built(
    fake: FakeTelegram,
    bot_app: BotApp,
    db: AsyncSession,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A default section that never ends (ours are reviewed; this one stands for a mistake):
    the report is built in a worker thread, so a resident who writes meanwhile is answered
    first, and the leader is then told the report could not be made."""
    defaults = tmp_path / "sections"
    shutil.copytree(sections.TEMPLATES, defaults)
    (defaults / "direction.j2").write_text(NEVER_ENDS, encoding="utf-8")
    monkeypatch.setattr(sections, "TEMPLATES", defaults)
    monkeypatch.setattr(sections, "RENDER_SECONDS", 5.0)
    sections.default.cache_clear()
    try:
        manh, _commune = await _leader_with_a_draft(fake, db)
        hoa = fake.add_user("Hoa")
        manh.send("/report")
        await manh.next_message()
        query = manh.tap("Năm nay (đến hôm nay)")
        await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
        heard = len(manh.sent_messages())

        hoa.start()
        assert "Hòm thư" in (await hoa.next_message())["text"]
        assert len(manh.sent_messages()) == heard, "the report is still being built"

        refused = (await manh.next_message(timeout=30))["text"]
        assert refused.startswith("Không lập được báo cáo"), refused
        assert await _versions(db) == 0
    finally:
        sections.default.cache_clear()
