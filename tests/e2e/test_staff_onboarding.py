"""The staff desk end to end: invitations from the CLI and from /invite, joining by the link,
refusals that are logged, and /staff changing a role and removing a member."""

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from bot.ui.callbacks import StaffMember, StaffRemoval, StaffRoleChange
from models import (
    AuditEntry,
    Channel,
    Commune,
    EventKind,
    Kind,
    Role,
    Staff,
    StaffInvite,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import tickets
from services.cases.tickets import TicketDraft
from services.communes import registry as communes
from services.people import invites, residents, staff
from tests import ROOT
from tests.e2e.conftest import StaffSpec, make_commune

LINK = re.compile(r"https://t\.me/homthuso_test_bot\?start=(inv-[A-Za-z0-9_-]+)")


async def pakn(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """The CLI in its own process; async, so the fake server keeps answering meanwhile."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _staff(db: AsyncSession) -> dict[int | None, Staff]:
    await db.rollback()  # a fresh snapshot, and objects loaded before are refreshed
    rows = await db.exec(select(Staff).execution_options(populate_existing=True))
    return {s.telegram_id: s for s in rows.all()}


async def _refusals(db: AsyncSession) -> list[tuple[str, int | None, int | None]]:
    await db.rollback()
    rows = (await db.exec(select(AuditEntry).where(AuditEntry.allowed == False))).all()  # noqa: E712
    return [(r.action, r.actor_telegram_id, r.commune_id) for r in rows]


async def test_a_cli_invitation_makes_an_officer_once(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession, database_url: str
) -> None:
    admin = fake.add_user("Ngô Xuân Mạnh")
    commune = await make_commune(db, members=[StaffSpec(admin.id, Role.ADMIN, "Ngô Xuân Mạnh")])
    code, out, err = await pakn(
        *("staff", "invite", "--commune", "7060", "--role", "officer"),
        *("--title", "Công chức địa chính"),
        env={"BOT_TOKEN": fake.token, "BOT_API_URL": fake.base_url, "DATABASE_URL": database_url},
    )
    assert code == 0, err
    found = LINK.search(out)
    assert found, out
    payload = found.group(1)
    assert len(payload) <= 64 and "một lần" in out
    assert fake.token not in out + err

    lan = fake.add_user("Trần Thị Lan", username="lan_dc")
    lan.start(payload)
    welcome = (await lan.next_message())["text"]
    assert "Chào mừng Trần Thị Lan" in welcome and "Công chức" in welcome
    assert "Xã Thống Nhất" in welcome and "trả lời người dân" in welcome
    member = (await _staff(db))[lan.id]
    assert (member.role, member.title, member.username, member.commune_id, member.active) == (
        Role.OFFICER,
        "Công chức địa chính",
        "lan_dc",
        commune.id,
        True,
    )

    other = fake.add_user("Người khác")
    other.start(payload)
    assert "đã được dùng" in (await other.next_message())["text"]
    lan.start(payload)  # the same person again: also used up
    assert "đã được dùng" in (await lan.next_message())["text"]

    expired = await invites.create_invite(
        db, commune, role=Role.ADMIN, now=datetime.now(UTC) - timedelta(hours=73)
    )
    other.start(f"inv-{expired.token}")
    assert "hết hạn" in (await other.next_message())["text"]
    other.start("inv-made-up-token")
    assert "không đúng" in (await other.next_message())["text"]

    fresh = await invites.create_invite(db, commune, role=Role.LEADER, now=datetime.now(UTC))
    admin.start(f"inv-{fresh.token}")
    assert "đã là cán bộ" in (await admin.next_message())["text"]

    assert set(await _staff(db)) == {admin.id, lan.id}
    await db.refresh(expired)
    await db.refresh(fresh)
    assert expired.used_at is None and fresh.used_at is None
    joined = (await db.exec(select(AuditEntry).where(AuditEntry.action == "staff_joined"))).all()
    assert [(j.actor_telegram_id, j.staff_id) for j in joined] == [(lan.id, member.id)]


def test_the_cli_without_a_token_prints_the_code(database_url: str, tmp_path: Path) -> None:
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.pop("BOT_TOKEN", None)
    environment.pop("BOT_API_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,  # no .env here
            timeout=120,
        )

    assert run("commune", "add", "7060").returncode == 0
    result = run("staff", "invite", "--commune", "7060", "--role", "leader", "--hours", "24")
    assert result.returncode == 0, result.stderr
    assert re.search(r"inv-[A-Za-z0-9_-]{20,}", result.stdout) and "BOT_USERNAME" in result.stdout
    wrong = run("staff", "invite", "--commune", "7060", "--role", "leader", "--hours", "0")
    assert wrong.returncode == 1 and "Giá trị không hợp lệ" in wrong.stderr


async def test_an_admin_invites_with_buttons(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin = fake.add_user("Ngô Xuân Mạnh")
    commune = await make_commune(db, members=[StaffSpec(admin.id, Role.ADMIN, "Ngô Xuân Mạnh")])
    admin.send("/invite")
    assert "Chọn vai trò" in (await admin.next_message())["text"]
    admin.tap("Lãnh đạo")
    shown = await fake.wait_until(  # the question, edited into the link
        lambda: LINK.search(admin.sent_messages()[-1]["text"]) and admin.sent_messages()[-1]
    )
    found = LINK.search(shown["text"])
    assert found and "một lần" in shown["text"]

    hung = fake.add_user("Phạm Văn Hùng")
    hung.start(found.group(1))
    assert "Lãnh đạo" in (await hung.next_message())["text"]
    staff_by_id = await _staff(db)
    assert staff_by_id[hung.id].role is Role.LEADER
    invite = (await db.exec(select(StaffInvite))).one()
    assert invite.created_by_staff_id == staff_by_id[admin.id].id
    assert invite.used_by_telegram_id == hung.id and invite.commune_id == commune.id


async def test_invite_in_the_group_sends_the_link_in_private(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin = fake.add_user("Ngô Xuân Mạnh", started=True)
    officer = fake.add_user("Trần Thị Lan")
    group = fake.add_group("Tổ PAKN", members=(admin, officer))
    commune = await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(admin.id, Role.ADMIN, "Ngô Xuân Mạnh"),
            StaffSpec(officer.id, Role.OFFICER, "Trần Thị Lan"),
        ],
    )
    admin.send("/invite", chat=group)
    await group.next_message()
    press = officer.tap("Quản trị viên", chat=group)
    await fake.wait_until(lambda: fake.callback_answers.get(press["id"]) is not None)
    assert "Chỉ quản trị viên" in fake.callback_answers[press["id"]]["text"]

    press = admin.tap("Công chức", chat=group)
    assert LINK.search((await admin.next_message())["text"])
    answer = await fake.wait_until(lambda: fake.callback_answers.get(press["id"]))
    assert "chat riêng" in answer["text"]
    assert not any(LINK.search(m.get("text", "")) for m in group.sent_messages())
    assert await _refusals(db) == [("staff_invited", officer.id, commune.id)]


async def test_residents_and_officers_cannot_invite_or_manage(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    officer, resident = fake.add_user("Trần Thị Lan"), fake.add_user("Hoa")
    commune = await make_commune(db, members=[StaffSpec(officer.id, Role.OFFICER, "Lan")])
    for user in (resident, officer):
        user.send("/invite")
        assert "Chỉ quản trị viên" in (await user.next_message())["text"]
        user.send("/staff")
        assert "Chỉ quản trị viên" in (await user.next_message())["text"]
    assert await _refusals(db) == [
        ("staff_invited", resident.id, None),
        ("staff_list", resident.id, None),
        ("staff_invited", officer.id, commune.id),
        ("staff_list", officer.id, commune.id),
    ]
    assert (await db.exec(select(StaffInvite))).all() == []


async def _assigned_case(
    db: AsyncSession, commune: Commune, text: str, member: Staff, resident_id: int
) -> Ticket:
    resident = await residents.get_or_create_by_telegram(
        db, resident_id, full_name="Hoa", username=None
    )
    now = datetime.now(UTC)
    draft = TicketDraft(
        kind=Kind.REPORT, category_id=None, text=text, received_at=now, channel=Channel.TELEGRAM
    )
    policy = DeadlinePolicy(WorkingCalendar(), ZoneInfo("Asia/Ho_Chi_Minh"))
    ticket = await tickets.submit_ticket(
        db, commune=commune, resident=resident, draft=draft, policy=policy, now=now
    )
    ticket.assignee_id = member.id  # arranged directly: assignment is not under test here
    db.add(ticket)
    await db.commit()
    return ticket


async def test_staff_change_a_role_then_remove_a_member(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    admin, lan = fake.add_user("Ngô Xuân Mạnh"), fake.add_user("Trần Thị Lan")
    group = fake.add_group("Tổ PAKN", members=(admin, lan))
    commune = await make_commune(
        db,
        staff_chat=group.id,
        members=[
            StaffSpec(admin.id, Role.ADMIN, "Ngô Xuân Mạnh"),
            StaffSpec(lan.id, Role.OFFICER, "Trần Thị Lan"),
        ],
    )
    await communes.add_commune(db, "4", year=2026)  # another commune's staff stay apart
    member, hoa = (await _staff(db))[lan.id], fake.add_user("Hoa", started=True)
    cases = [
        await _assigned_case(db, commune, "Đèn đường thôn Yên Phú bị hỏng", member, hoa.id),
        await _assigned_case(db, commune, "Rác tràn ra đường ở chợ", member, hoa.id),
    ]

    admin.send("/staff")
    listing = (await admin.next_message())["text"]
    assert "Ngô Xuân Mạnh" in listing and "Trần Thị Lan" in listing and "Công chức" in listing
    admin.tap("Ngô Xuân Mạnh · Quản trị viên")
    await fake.wait_until(lambda: "Bạn muốn làm gì" in admin.sent_messages()[-1]["text"])
    press = admin.tap("Đổi thành: Công chức")  # the last admin cannot step down
    await fake.wait_until(lambda: fake.callback_answers.get(press["id"]) is not None)
    assert "ít nhất một quản trị viên" in fake.callback_answers[press["id"]]["text"]

    admin.tap("⬅️ Quay lại")
    await fake.wait_until(lambda: "Cán bộ của" in admin.sent_messages()[-1]["text"])
    admin.tap("Trần Thị Lan · Công chức")
    await fake.wait_until(lambda: "Bạn muốn làm gì" in admin.sent_messages()[-1]["text"])
    press = admin.tap("Đổi thành: Lãnh đạo")
    await fake.wait_until(lambda: fake.callback_answers.get(press["id"]) is not None)
    assert "Lãnh đạo" in fake.callback_answers[press["id"]]["text"]
    assert (await _staff(db))[lan.id].role is Role.LEADER

    admin.tap("🗑 Xóa khỏi danh sách cán bộ")
    await fake.wait_until(lambda: "Xóa Trần Thị Lan" in admin.sent_messages()[-1]["text"])
    admin.tap("✅ Đồng ý xóa")
    done = await fake.wait_until(
        lambda: (
            "Hồ sơ cần giao lại" in admin.sent_messages()[-1]["text"]
            and admin.sent_messages()[-1]["text"]
        )
    )
    assert all(t.code in done for t in cases) and "Ngô Xuân Mạnh" in done  # and the new list
    assert member.id is not None
    again = StaffRemoval(staff_id=member.id, confirmed=True).pack()  # a second tap, late
    query_id = admin.press(admin.sent_messages()[-1], again)["id"]
    answer = await fake.wait_until(lambda: fake.callback_answers.get(query_id))
    assert "không còn trong danh sách" in answer["text"]

    told = await fake.wait_until(
        lambda: [m for m in group.sent_messages() if "không còn là cán bộ" in m.get("text", "")]
    )
    assert "Trần Thị Lan" in told[0]["text"] and all(t.code in told[0]["text"] for t in cases)
    assert not (await _staff(db))[lan.id].active
    for case in cases:
        await db.refresh(case)
        assert case.assignee_id is None
    events = (
        await db.exec(select(TicketEvent).where(TicketEvent.kind == EventKind.ASSIGNED))
    ).all()
    assert len(events) == 2 and all(e.data["reason"] == "staff_removed" for e in events)
    audit = (await db.exec(select(AuditEntry).where(AuditEntry.allowed == True))).all()  # noqa: E712
    changes = [a.detail or "" for a in audit if a.action == "staff_role_changed"]
    assert len(changes) == 1 and changes[0].endswith(": officer -> leader")
    assert [a.action for a in audit].count("staff_removed") == 1


async def test_an_admin_sees_and_acts_on_their_own_communes_only(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    both, lan, tam = fake.add_user("Đỗ Hải"), fake.add_user("Trần Thị Lan"), fake.add_user("Tâm")
    await make_commune(
        db,
        members=[
            StaffSpec(both.id, Role.ADMIN, "Đỗ Hải"),
            StaffSpec(lan.id, Role.OFFICER, "Trần Thị Lan"),
        ],
    )
    ba_dinh = await communes.add_commune(db, "4", year=2026)
    await staff.add_staff(db, ba_dinh, telegram_id=both.id, role=Role.ADMIN, name="Đỗ Hải")
    await staff.add_staff(db, ba_dinh, telegram_id=tam.id, role=Role.ADMIN, name="Lê Văn Tâm")

    both.send("/staff")
    assert "xã, phường nào" in (await both.next_message())["text"]
    both.tap("Phường Ba Đình")
    shown = await fake.wait_until(
        lambda: (
            "Cán bộ của Phường Ba Đình" in both.sent_messages()[-1]["text"]
            and both.sent_messages()[-1]["text"]
        )
    )
    assert "Lê Văn Tâm" in shown and "Trần Thị Lan" not in shown
    both.send("/staff 7060")
    assert "Trần Thị Lan" in (await both.next_message())["text"]

    tam.send("/staff 7060")
    assert "Chỉ quản trị viên" in (await tam.next_message())["text"]
    tam.send("/staff")
    listing = await tam.next_message()
    assert "Trần Thị Lan" not in listing["text"]
    lan_id = (await _staff(db))[lan.id].id
    assert lan_id is not None
    for forged in (
        StaffRemoval(staff_id=lan_id, confirmed=True),
        StaffRoleChange(staff_id=lan_id, role="admin"),
        StaffMember(staff_id=lan_id),
    ):
        query_id = tam.press(listing, forged.pack())["id"]
        answer = await fake.wait_until(lambda q=query_id: fake.callback_answers.get(q))
        assert "Chỉ quản trị viên" in answer["text"]
    member = (await _staff(db))[lan.id]
    assert member.active and member.role is Role.OFFICER
    theirs = member.commune_id
    assert [(a, c) for a, t, c in await _refusals(db) if t == tam.id] == [
        ("staff_list", None),
        ("staff_removed", theirs),
        ("staff_role_changed", theirs),
        ("staff_list", theirs),
    ]
