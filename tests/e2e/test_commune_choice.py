"""Choosing a commune when a whole province uses one bot (Thanh Hóa: 166 after `pakn province
add 38`): a per-commune link, or the name typed without diacritics, closest names first and
never more than a screenful of buttons."""

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import Resident
from services.communes import registry as communes
from services.communes.provinces import add_province
from tests.e2e.conftest import make_commune


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["text"] for row in rows for button in row]


async def _province(db: AsyncSession) -> None:
    await make_commune(db, "7060")  # Xã Thống Nhất, Quảng Ninh: another province
    done = await add_province(db, "38")
    assert done.added == 166


async def _commune_of(db: AsyncSession, name: str) -> str | None:
    await db.rollback()  # a fresh snapshot
    resident = (await db.exec(select(Resident).where(Resident.full_name == name))).one()
    if resident.commune_id is None:
        return None
    return next(c.name for c in await communes.list_communes(db) if c.id == resident.commune_id)


async def test_typed_names_find_the_commune_among_a_whole_province(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await _province(db)
    hoa = fake.add_user("Hoa")
    hoa.send("/new")
    assert "Gõ tên xã, phường của bạn" in (await hoa.next_message())["text"]

    hoa.send("son")  # in 20 names: too many to show, the closest first
    many = await hoa.next_message()
    assert "Có 20 xã, phường khớp; đây là 10 tên gần nhất" in many["text"]
    assert "gõ thêm tên" in many["text"]
    shown = buttons(many)
    assert len(shown) == 10
    assert shown[:2] == ["Xã Sơn Điện (Thanh Hóa)", "Xã Sơn Thủy (Thanh Hóa)"]

    hoa.send("SẦM SƠN")  # the very name before the one that contains it
    exact = await hoa.next_message()
    assert exact["text"] == "Chọn xã, phường của bạn:"
    assert buttons(exact) == ["Phường Sầm Sơn (Thanh Hóa)", "Phường Nam Sầm Sơn (Thanh Hóa)"]

    hoa.send("thong nhat quang ninh")  # the province's name tells apart names that repeat
    assert buttons(await hoa.next_message()) == ["Xã Thống Nhất (Quảng Ninh)"]

    hoa.send("xa khong co that")
    assert "Không có xã, phường nào tên như vậy" in (await hoa.next_message())["text"]

    hoa.send("hac thanh")  # words start where the name's words start: not "Thạch"
    found = await hoa.next_message()
    assert buttons(found) == ["Phường Hạc Thành (Thanh Hóa)"]
    hoa.tap("Phường Hạc Thành (Thanh Hóa)")
    assert "Bạn muốn gửi gì?" in (await hoa.next_message())["text"]
    assert await _commune_of(db, "Hoa") == "Phường Hạc Thành"


async def test_commands_and_the_menu_still_work_while_a_name_is_awaited(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await _province(db)
    an = fake.add_user("An")
    an.send("/new")
    assert "Gõ tên xã, phường" in (await an.next_message())["text"]
    an.send("/mine")
    assert "Bạn chưa gửi phản ánh nào" in (await an.next_message())["text"]
    an.send("/new")
    await an.next_message()
    an.send("/cancel")
    assert "Đã hủy" in (await an.next_message())["text"]
    an.send("Đèn đường ở ngõ 5 bị hỏng cả tuần nay")  # feedback again, not a commune's name
    assert "gửi nội dung này" in (await an.next_message())["text"]
    assert await _commune_of(db, "An") is None


async def test_a_commune_link_skips_the_question(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    await _province(db)
    ba = fake.add_user("Ba")
    ba.start("c-15658")  # one commune's link among 167
    assert "Xã, phường của bạn: Xã Xuân Chinh" in (await ba.next_message())["text"]
    ba.send("/new")
    assert "Bạn muốn gửi gì?" in (await ba.next_message())["text"]
    assert await _commune_of(db, "Ba") == "Xã Xuân Chinh"

    lost = fake.add_user("Cừ")
    lost.start("c-00004")  # a real commune, not registered here: asked like anyone else
    await lost.next_message()
    assert "Gõ tên xã, phường" in (await lost.next_message())["text"]
