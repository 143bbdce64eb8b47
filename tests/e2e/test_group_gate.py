"""The staff group answers its commune's active staff only, at a human pace, and a new
case's card never waits behind the answers to commands."""

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.runtime.app import BotApp
from models import AuditEntry, Role, Staff
from tests.e2e.conftest import StaffSpec, make_commune

LAMP = "Đèn đường ngõ 5 thôn Yên Phú bị hỏng cả tháng nay"
BRIDGE = "Cầu tràn qua suối bị sạt một bên, xe máy đi rất nguy hiểm"


async def _file(resident: FakeUser, text: str) -> str:
    resident.send(text)
    await resident.next_message()
    resident.tap("✅ Có, gửi ngay")
    receipt = await resident.next_message()
    return next(w for w in receipt["text"].split() if w.startswith("PA"))


def _is_card(message: dict[str, Any]) -> bool:
    return "Trạng thái:" in (message.get("text") or "")


async def test_group_membership_grants_nothing(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    """A resident in the group and an officer removed from the staff ask for cases: no
    answer, no case data; the attempts are recorded. The staff still get answers."""
    lan, minh, hoa = fake.add_user("Lan"), fake.add_user("Minh"), fake.add_user("Hoa")
    group = fake.add_group("Tổ PAKN", members=(lan, minh, hoa))
    await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(lan.id, Role.OFFICER, "Lan"), StaffSpec(minh.id, Role.OFFICER, "Minh")],
    )
    code = await _file(fake.add_user("An"), LAMP)  # before the removal: Minh knew of it
    card = await group.next_message()
    removed = (await db.exec(select(Staff).where(Staff.telegram_id == minh.id))).one()
    removed.active = False
    db.add(removed)
    await db.commit()
    for person in (hoa, minh):
        person.start()
        await person.next_message()

    for person in (hoa, minh):
        for text in ("/find đèn", f"/find {code}", "/queue", f"/ack {code}", "/staff", "/report"):
            person.send(text, chat=group)
        person.send("Xong rồi", chat=group, reply_to=card)  # a reply under the card
    lan.send("/find đèn", chat=group)  # the group's updates are handled in order: last
    answer = await group.next_message()
    assert code in answer["text"], "staff are answered"

    assert len(group.sent_messages()) == 2, "the card and Lan's answer, nothing else"
    for person in (hoa, minh):
        assert all(LAMP[:20] not in (m.get("text") or "") for m in person.sent_messages())
    await db.rollback()
    refused = (await db.exec(select(AuditEntry).where(AuditEntry.action == "staff_group"))).all()
    assert {r.actor_telegram_id for r in refused} == {hoa.id, minh.id}
    assert all(not r.allowed and str(group.id) in (r.detail or "") for r in refused)
    assert len(refused) <= 2 * 3, "a flood cannot fill the audit log"


async def test_a_flood_from_a_non_member_holds_back_nothing(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    """The attack: 300 /find from someone in the group kept its 20 messages a minute busy."""
    fake.rate_limit(per_group_per_minute=20)  # as Telegram counts
    lan, hoa = fake.add_user("Lan"), fake.add_user("Hoa")
    group = fake.add_group("Tổ PAKN", members=(lan, hoa))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.OFFICER, "Lan")])
    await _file(fake.add_user("An"), LAMP)
    await group.next_message()
    for _ in range(60):
        hoa.send("/find đèn", chat=group)
    code = await _file(fake.add_user("Bình"), BRIDGE)
    assert code in (await group.next_message(timeout=15))["text"]
    assert [_is_card(m) for m in group.sent_messages()] == [True, True]
    assert not [e for _name, _params, e in fake.state.errors if e.status == 429]


async def _staff_desk(fake: FakeTelegram, db: AsyncSession) -> tuple[FakeChat, list[FakeUser]]:
    staff = [fake.add_user(name) for name in ("Lan", "Minh", "Mạnh")]
    group = fake.add_group("Tổ PAKN", members=staff)
    roles = (Role.OFFICER, Role.OFFICER, Role.LEADER)
    await make_commune(
        db,
        staff_chat=group.id,
        members=[StaffSpec(u.id, r, u.first_name) for u, r in zip(staff, roles, strict=True)],
    )
    for person in staff:
        person.start()
        await person.next_message()
    return group, staff


NOTHING = "Không tìm thấy"  # what /find karaoke answers, as a reply to the command


def _answers(messages: list[dict[str, Any]], to: FakeUser | None = None) -> list[dict[str, Any]]:
    """Answers to /find karaoke among the messages; in the group, those replying to `to`."""
    found = [m for m in messages if NOTHING in (m.get("text") or "")]
    if to is None:
        return found
    return [m for m in found if m.get("reply_to_message", {}).get("from", {}).get("id") == to.id]


async def test_a_burst_of_staff_commands_does_not_hold_back_a_new_card(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    """Three officers send 27 commands at once (more than the group's 20 messages a
    minute), and a resident files meanwhile: the card goes before the answers to later
    commands; those the group has no room for reach each officer privately; Telegram never
    has to refuse a message."""
    group, staff = await _staff_desk(fake, db)
    lan = staff[0]
    await _file(fake.add_user("An"), LAMP)
    await group.next_message()
    fake.rate_limit(per_group_per_minute=20)  # as Telegram counts, from now on
    for _ in range(9):
        for person in staff:
            person.send("/find karaoke", chat=group)
    new = await _file(fake.add_user("Bình"), BRIDGE)
    later = lan.send("/find karaoke", chat=group)  # after the case was filed

    def answered() -> int:
        return len(_answers(group.sent_messages())) + sum(
            len(_answers(p.sent_messages())) for p in staff
        )

    await fake.wait_until(lambda: answered() == 28, timeout=30)
    shown = group.sent_messages()
    card = next(m for m in shown if _is_card(m) and new in m["text"])
    last = [
        m for m in _answers(shown) if m["reply_to_message"]["message_id"] == later["message_id"]
    ]
    assert all(m["message_id"] > card["message_id"] for m in last), "the card went first"
    assert len(_answers(shown)) <= 10, "half the group's minute is the cards'"
    assert all(_answers(p.sent_messages()) for p in staff), "the rest told privately"
    assert not [e for _name, _params, e in fake.state.errors if e.status == 429]


async def test_one_officer_is_slowed_down_in_the_group_only(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    group, staff = await _staff_desk(fake, db)
    lan, minh = staff[0], staff[1]
    for _ in range(12):
        lan.send("/find karaoke", chat=group)
    minh.send("/find karaoke", chat=group)  # handled after Lan's twelve

    def answers(person: FakeUser) -> int:
        return len(_answers(group.sent_messages(), person) + _answers(person.sent_messages()))

    await fake.wait_until(lambda: answers(minh) == 1, timeout=15)
    assert answers(lan) == 10, "ten a minute in the group"
    assert any("quá nhanh" in (m.get("text") or "") for m in lan.sent_messages())
    lan.send("/find karaoke")  # in private: not limited
    await fake.wait_until(lambda: answers(lan) == 11, timeout=15)
