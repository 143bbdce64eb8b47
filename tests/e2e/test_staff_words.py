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


def _menu_shown(user: FakeUser) -> bool:
    return user.private_chat.reply_keyboard is not None


async def test_staff_get_their_own_help_and_no_residents_menu(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    _group, lan, manh = await _desk(fake, db)
    manh.start()
    welcome = (await manh.next_message())["text"]
    assert "/queue" in welcome and "/invite" in welcome and "Xã Thống Nhất" in welcome
    assert not _menu_shown(manh), "no residents' menu for the admin"
    manh.send("/help")
    admin_help = (await manh.next_message())["text"]
    assert "/assign PA26-0001 Lan" in admin_help and "/staff" in admin_help
    assert "/mydata" not in admin_help

    lan.send("/help")
    officer_help = (await lan.next_message())["text"]
    assert "/queue" in officer_help and "/reply" in officer_help
    assert "/invite" not in officer_help and "/export" not in officer_help
    assert not _menu_shown(lan)
    lan.send("/cancel")
    await lan.next_message()
    assert not _menu_shown(lan)

    lan.send("Cây đổ chắn ngang đường thôn Khe Cát")  # Lan files a case of her own
    await lan.next_message()
    lan.tap("✅ Có, gửi ngay")
    await lan.next_message()
    lan.send("/help")
    assert "/queue" in (await lan.next_message())["text"]
    assert _menu_shown(lan), "filing, she gets the residents' menu too"


async def test_an_assignee_is_pointed_to_the_card_sent_with_the_message(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, lan, manh = await _desk(fake, db)
    lan.start()
    await lan.next_message()
    code = await _file(fake, group)
    manh.send(f"/assign {code} Lan")
    await manh.next_message()
    intro = (await lan.next_message())["text"]
    assert "thẻ hồ sơ gửi kèm" in intro and "dưới đây" not in intro
    assert code in (await lan.next_message())["text"]


async def test_a_leaders_draft_says_who_sets_the_superior_and_a_tiny_share(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, _lan, manh = await _desk(fake, db)
    for _ in range(3):  # 3 people of 12.290
        await _file(fake, group)
    manh.send("/report")
    await manh.next_message()
    manh.tap("Năm nay (đến hôm nay)")
    draft = (await manh.next_message())["text"]
    assert "Người dân tham gia: 3 người, dưới 0,1% dân số." in draft and "0,0%" not in draft
    assert "người quản trị hệ thống" in draft and "máy chủ" in draft, "a leader has no shell"
    assert "UBND Xã" not in draft
    assert (await manh.next_message())["document"]["file_name"].endswith(".docx")
