"""What staff read: how /assign names a person, their own /help and no resident menu."""

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import Role
from tests.e2e.conftest import StaffSpec, make_commune


async def _desk(fake: FakeTelegram, db: AsyncSession) -> tuple[FakeChat, FakeUser, FakeUser]:
    """Staff added by the CLI: no @username."""
    lan, manh = fake.add_user("Lan"), fake.add_user("Mạnh")
    group = fake.add_group("Tổ PAKN", members=(lan, manh))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(lan.id, Role.OFFICER, "Trần Thị Lan"),
            StaffSpec(manh.id, Role.ADMIN, "Ngô Xuân Mạnh"),
        ],
    )
    return group, lan, manh


async def _file(fake: FakeTelegram, group: FakeChat) -> str:
    hoa = fake.add_user("Hoa")
    hoa.send("Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tuần nay")
    await hoa.next_message()
    hoa.tap("✅ Có, gửi ngay")
    receipt = await hoa.next_message()
    await group.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


async def test_assign_says_a_name_works_and_lists_the_staff(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, _lan, manh = await _desk(fake, db)
    code = await _file(fake, group)

    manh.send("/assign")
    usage = (await manh.next_message())["text"]
    assert "tên" in usage and "Lan" in usage

    manh.send(f"/assign {code} Hoàng")
    nobody = (await manh.next_message())["text"]
    assert "Không có cán bộ nào" in nobody
    assert "Trần Thị Lan" in nobody and "Ngô Xuân Mạnh" in nobody

    manh.send(f"/assign {code} n")  # in both names
    several = (await manh.next_message())["text"]
    assert "Trần Thị Lan" in several and "Ngô Xuân Mạnh" in several

    manh.send(f"/assign {code} Lan")
    assert "Trần Thị Lan" in (await manh.next_message())["text"]
