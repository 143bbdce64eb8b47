"""Invitations die with their admin's rights (issue 19): a removed or demoted admin's links
make nobody staff, /invite lists the open ones with a button that revokes each, and a
revoked link opened later is refused politely with nothing changed."""

import re
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.emulator.users.actors import FakeUser
from bot.runtime.app import BotApp
from bot.ui.callbacks import InviteRevoke
from models import AuditEntry, Role, Staff, StaffInvite
from services.communes import registry as communes
from services.people import staff
from tests.e2e.conftest import StaffSpec, make_commune

LINK = re.compile(r"https://t\.me/homthuso_test_bot\?start=(inv-[A-Za-z0-9_-]+)")
WITHDRAWN = "đã bị thu hồi"


async def _staff(db: AsyncSession) -> dict[int | None, Staff]:
    await db.rollback()  # a fresh snapshot, and objects loaded before are refreshed
    rows = await db.exec(select(Staff).execution_options(populate_existing=True))
    return {s.telegram_id: s for s in rows.all()}


async def _audit(db: AsyncSession, action: str) -> list[tuple[int | None, bool]]:
    await db.rollback()
    rows = (await db.exec(select(AuditEntry).where(AuditEntry.action == action))).all()
    return [(r.actor_telegram_id, r.allowed) for r in rows]


async def _invite(fake: FakeTelegram, admin: FakeUser, role_label: str) -> str:
    """The admin's own /invite, in private: the deep-link payload it gives."""
    admin.send("/invite")
    await admin.next_message()
    admin.tap(role_label)
    shown = await fake.wait_until(
        lambda: LINK.search(admin.sent_messages()[-1]["text"]) and admin.sent_messages()[-1]
    )
    found = LINK.search(shown["text"])
    assert found
    return found.group(1)


async def _answer(fake: FakeTelegram, press: dict[str, Any]) -> str:
    answer = await fake.wait_until(lambda: fake.callback_answers.get(press["id"]))
    return str(answer.get("text", ""))


async def test_a_removed_admin_cannot_come_back_by_their_own_link(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh, hai = fake.add_user("Ngô Xuân Mạnh"), fake.add_user("Đỗ Hải")
    commune = await make_commune(
        db,
        members=[
            StaffSpec(manh.id, Role.ADMIN, "Ngô Xuân Mạnh"),
            StaffSpec(hai.id, Role.ADMIN, "Đỗ Hải"),
        ],
    )
    commune_id = commune.id
    payload = await _invite(fake, manh, "Quản trị viên")  # kept for later

    hai.send("/staff")
    await hai.next_message()
    hai.tap("Ngô Xuân Mạnh · Quản trị viên")
    await fake.wait_until(lambda: "Bạn muốn làm gì" in hai.sent_messages()[-1]["text"])
    hai.tap("🗑 Xóa khỏi danh sách cán bộ")
    await fake.wait_until(lambda: "Xóa Ngô Xuân Mạnh" in hai.sent_messages()[-1]["text"])
    assert "Đã xóa" in await _answer(fake, hai.tap("✅ Đồng ý xóa"))
    assert not (await _staff(db))[manh.id].active

    manh.start(payload)
    refused = (await manh.next_message())["text"]
    assert WITHDRAWN in refused and "Không có gì thay đổi" in refused
    member = (await _staff(db))[manh.id]
    assert (member.active, member.role, member.commune_id) == (False, Role.ADMIN, commune_id)
    manh.send("/invite")  # and is no admin for anything else either
    assert "Chỉ quản trị viên" in (await manh.next_message())["text"]
    assert await _audit(db, "staff_joined") == [(manh.id, False)]
    removed = (await db.exec(select(AuditEntry).where(AuditEntry.action == "staff_removed"))).one()
    assert removed.actor_telegram_id == hai.id and "1 open invitation(s) revoked" in (
        removed.detail or ""
    )


async def test_a_demoted_admins_links_stop_working(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh, hai = fake.add_user("Ngô Xuân Mạnh"), fake.add_user("Đỗ Hải")
    await make_commune(
        db,
        members=[
            StaffSpec(manh.id, Role.ADMIN, "Ngô Xuân Mạnh"),
            StaffSpec(hai.id, Role.ADMIN, "Đỗ Hải"),
        ],
    )
    payload = await _invite(fake, manh, "Quản trị viên")

    hai.send("/staff")
    await hai.next_message()
    hai.tap("Ngô Xuân Mạnh · Quản trị viên")
    await fake.wait_until(lambda: "Bạn muốn làm gì" in hai.sent_messages()[-1]["text"])
    assert "Công chức" in await _answer(fake, hai.tap("Đổi thành: Công chức"))

    friend = fake.add_user("Bạn của Mạnh")
    friend.start(payload)  # handed to someone else: just as dead
    assert WITHDRAWN in (await friend.next_message())["text"]
    manh.start(payload)
    assert WITHDRAWN in (await manh.next_message())["text"]
    everyone = await _staff(db)
    assert friend.id not in everyone and everyone[manh.id].role is Role.OFFICER


async def test_invite_lists_open_invitations_and_revokes_one(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    manh, lan = fake.add_user("Ngô Xuân Mạnh"), fake.add_user("Trần Thị Lan")
    commune = await make_commune(
        db,
        members=[
            StaffSpec(manh.id, Role.ADMIN, "Ngô Xuân Mạnh"),
            StaffSpec(lan.id, Role.OFFICER, "Trần Thị Lan"),
        ],
    )
    commune_id = commune.id
    leader_link = await _invite(fake, manh, "Lãnh đạo")
    officer_link = await _invite(fake, manh, "Công chức")
    invites = (await db.exec(select(StaffInvite).order_by(StaffInvite.id))).all()
    leader, officer = invites

    manh.send("/invite")
    shown = await manh.next_message()
    assert "Lời mời chưa dùng" in shown["text"]
    assert f"#{leader.id} · Lãnh đạo" in shown["text"] and "Ngô Xuân Mạnh" in shown["text"]
    assert f"#{officer.id} · Công chức" in shown["text"]
    assert leader_link[4:] not in shown["text"]  # never the secret part

    assert leader.id is not None
    forged = InviteRevoke(invite_id=leader.id).pack()
    lan.send("/invite")
    assert "Chỉ quản trị viên" in await _answer(fake, lan.press(await lan.next_message(), forged))
    tam = fake.add_user("Lê Văn Tâm")  # an admin of another commune
    ba_dinh = await communes.add_commune(db, "4", year=2026)
    await staff.add_staff(db, ba_dinh, telegram_id=tam.id, role=Role.ADMIN, name="Lê Văn Tâm")
    tam.send("/invite")
    theirs = await tam.next_message()
    assert "Phường Ba Đình" in theirs["text"] and "Lời mời chưa dùng" not in theirs["text"]
    assert "Chỉ quản trị viên" in await _answer(fake, tam.press(theirs, forged))

    assert "Đã thu hồi" in await _answer(fake, manh.tap(f"🗑 Thu hồi lời mời #{leader.id}"))
    now = await fake.wait_until(
        lambda: (
            f"#{leader.id} ·" not in manh.sent_messages()[-1]["text"]
            and manh.sent_messages()[-1]["text"]
        )
    )
    assert f"#{officer.id} · Công chức" in now  # the other one stays
    late = await _answer(fake, manh.press(shown, forged))  # the same button, again
    assert "không còn hiệu lực" in late

    hung = fake.add_user("Phạm Văn Hùng")
    hung.start(leader_link)
    assert WITHDRAWN in (await hung.next_message())["text"]
    assert hung.id not in await _staff(db)
    hung.start(officer_link)
    assert "Chào mừng Phạm Văn Hùng" in (await hung.next_message())["text"]
    manh.send("/invite")
    assert "Lời mời chưa dùng" not in (await manh.next_message())["text"]

    assert (lan.id, False) in await _audit(db, "staff_invited")  # lan's /invite
    assert await _audit(db, "staff_invite_revoked") == [
        (lan.id, False),
        (tam.id, False),
        (manh.id, True),
    ]
    refusals = (
        await db.exec(select(AuditEntry).where(AuditEntry.action == "staff_invite_revoked"))
    ).all()
    assert [r.commune_id for r in refusals] == [commune_id] * 3
