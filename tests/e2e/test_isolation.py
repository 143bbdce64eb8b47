"""Many communes, one deployment: commune A's staff and residents, using every command and
button they have (and buttons forged with commune B's ids), see nothing of commune B's cases
in any message, pop-up, report or export, and change nothing of commune B."""

from datetime import UTC, date, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.outbox.rate_limit import Limits, RateLimiter
from bot.runtime.app import BotApp
from bot.ui.callbacks import AssignTo
from models import (
    ApologyLetter,
    AuditEntry,
    Category,
    Commune,
    ReplyTemplate,
    ReportVersion,
    Role,
    Staff,
    StaffInvite,
    Ticket,
    Village,
)
from services.people import invites, staff
from services.statistics import figures as statistics
from services.statistics.periods import Period
from tests.e2e.conftest import StaffSpec, make_commune
from tests.e2e.isolation_probes import (
    Seen,
    admin_buttons,
    card_buttons,
    commands_as_if_absent,
    press,
    resident_buttons,
)
from tests.e2e.isolation_screens import (
    files_of_a,
    filing_with_b_choices,
    log_with_b_choices,
    texts_of,
)
from tests.e2e.isolation_setup import (
    A_TEXT,
    B_HISTORY,
    B_TEXTS,
    B_WORDS,
    said,
    settled,
    two_communes,
)
from tests.e2e.isolation_state import ids_of, snapshot, staff_id


async def test_commune_a_sees_and_changes_nothing_of_commune_b(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    # a test types faster than any officer: the group's limits would move A's answers out of
    # the group (handlers/gate.py, bot/outbox/replies.py); isolation is what is probed here
    bot_app.ctx.settings.staff_group_commands_per_minute = 600
    bot_app.outbox.limiter = RateLimiter(Limits(group=((10_000, 60.0), (10_000, 3.0))))
    a, b = await two_communes(fake, db, bot_app)
    seen = Seen()
    b_category = (await ids_of(db, Category, b.id))[0]
    b_village = (await ids_of(db, Village, b.id))[0]
    a.codes.append(await log_with_b_choices(fake, seen, a.admin, b_category, b_village))
    await settled(fake, db)
    b_only = [code for code in b.codes if code not in a.codes]
    assert len(b_only) == 3, (a.codes, b.codes)
    ghost = f"{b.codes[0][:5]}0999"  # a code no commune has
    b_tickets = await ids_of(db, Ticket, b.id)
    b_staff = await ids_of(db, Staff, b.id)
    [b_template] = await ids_of(db, ReplyTemplate, b.id)
    [b_version] = await ids_of(db, ReportVersion, b.id)
    b_letters = await ids_of(db, ApologyLetter, b.id)
    assert b_letters and await ids_of(db, ApologyLetter, a.id), "late cases: drafts"
    b_commune = await db.get(Commune, b.id)
    assert b_commune is not None
    await invites.create_invite(db, b_commune, role=Role.ADMIN, now=datetime.now(UTC))
    b_invites = await ids_of(db, StaffInvite, b.id)
    b_before = await snapshot(db, b.id)
    b_chats = (b.group, b.admin, b.officer, *b.residents)
    b_heard = [len(fake.sent_messages(chat)) for chat in b_chats]
    last_audit = (await db.exec(select(func.max(AuditEntry.id)))).one() or 0

    # staff commands with B's codes, in A's group and in private
    for chat in (a.group, None):
        await commands_as_if_absent(fake, seen, a.admin, chat, b_only[1], ghost, a.codes[0])
        for words in ("Kim Mã", "kim ma", "nuoc sach"):
            assert await said(fake, a.admin, f"/find {words}", chat) == "Không tìm thấy."
    await commands_as_if_absent(fake, seen, a.officer, None, b_only[2], ghost, a.codes[1])
    # an officer of both communes, in A's group: there, A's cases only
    await commands_as_if_absent(fake, seen, a.both, a.group, b_only[0], ghost, a.codes[0])
    assert await said(fake, a.both, "/find Kim Mã", a.group) == "Không tìm thấy."
    assert a.codes[0] in await said(fake, a.both, "/queue", a.group)
    shared = await said(fake, a.admin, f"/find {b.codes[0]}", a.group)  # both have this code
    assert A_TEXT[:40] in shared
    for user in (a.admin, a.officer):
        queue = await said(fake, user, "/queue")
        assert all(code in queue for code in a.codes), queue

    # buttons forged with B's ids
    card = next(m for m in fake.sent_messages(a.group) if a.codes[0] in (m.get("text") or ""))
    b_people = [*b_staff, await staff_id(db, a.officer)]
    await card_buttons(fake, seen, a.admin, card, b_tickets, b_people, b_template)
    a_ticket = (await ids_of(db, Ticket, a.id))[0]
    for member in b_staff:  # A's case given to B's staff
        await press(fake, seen, a.admin, card, AssignTo(ticket_id=a_ticket, staff_id=member).pack())
    await card_buttons(fake, seen, a.officer, card, b_tickets[3:4], b_staff, b_template)
    await card_buttons(fake, seen, a.both, card, b_tickets, b_staff, b_template)
    await admin_buttons(
        fake, seen, a.admin, b.id, b_staff, b_template, b_version, b_letters, b_invites
    )
    await filing_with_b_choices(fake, seen, a.residents[0], b_category, b_village)

    # A's resident: B's code is not theirs, their own same-numbered case is
    hoa = a.residents[0]
    mine = await said(fake, hoa, f"/status {b_only[1]}")
    assert mine == (await said(fake, hoa, f"/status {ghost}")).replace(ghost, b_only[1])
    seen.echoes.append(mine)
    before = len(hoa.sent_messages())
    hoa.send(f"/status {a.codes[0]}")
    await fake.wait_until(
        lambda: any(A_TEXT in t for m in hoa.sent_messages()[before:] for t in texts_of(m))
    )
    assert a.codes[0] in await said(fake, hoa, "/mine")
    await resident_buttons(fake, seen, hoa, b_tickets)

    # B's admin, who happens to be in A's group, cannot make it B's group too
    taken = await said(fake, b.admin, "/bind", a.group)
    assert "Nhóm này đã nhận hồ sơ của Xã Thống Nhất" in taken

    # A's other screens: canned replies, staff, invitations
    for command in ("/templates", "/staff", "/invite"):
        await said(fake, a.admin, command)
    files = await files_of_a(fake, a)
    await settled(fake, db)

    # nothing of B anywhere A looks
    a_chats = (a.group, a.admin, a.officer, hoa)
    shown = [m for chat in a_chats for m in fake.sent_messages(chat, include_deleted=True)]
    texts = [t for m in shown for t in texts_of(m)] + seen.answers + files
    secrets = [w.casefold() for w in (*B_WORDS, *B_TEXTS, *B_HISTORY)]
    for text in texts:
        assert not [w for w in secrets if w in text.casefold()], text
        if any(code in text for code in b_only):
            assert text in seen.echoes, f"one of B's codes shown to A: {text!r}"

    # A's statistics count A's cases only
    today = datetime.now(bot_app.ctx.tz).date()
    year = Period(date(today.year, 1, 1), date(today.year, 12, 31))
    now = datetime.now(bot_app.ctx.tz)
    stats = await statistics.compute(db, bot_app.ctx.policy, [a.id], year, now=now)
    assert stats.received == len(a.codes) == 2

    # and nothing of B changed, nor did B's people hear of any of it
    assert await snapshot(db, b.id) == b_before
    assert [len(fake.sent_messages(chat)) for chat in b_chats] == b_heard
    tried = (await db.exec(select(AuditEntry).where(col(AuditEntry.id) > last_audit))).all()
    assert all(not t.allowed for t in tried if t.commune_id == b.id), "only refusals on B"


async def _staff_chat(db: AsyncSession, code: str) -> int | None:
    await db.rollback()  # a fresh snapshot
    return (await db.exec(select(Commune.staff_chat_id).where(Commune.code == code))).one()


async def test_a_group_serves_a_second_commune_only_when_an_admin_of_both_binds_it(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    chi, dung = fake.add_user("Chi"), fake.add_user("Dũng")
    group = fake.add_group("Tổ PAKN", members=(chi, dung))
    await make_commune(db, members=[StaffSpec(chi.id, Role.ADMIN, "Chi")], staff_chat=group.id)
    ba_dinh = await make_commune(db, "4", members=[StaffSpec(dung.id, Role.ADMIN, "Dũng")])
    refused = await said(fake, dung, "/bind", group)
    assert "Nhóm này đã nhận hồ sơ của Xã Thống Nhất" in refused
    assert await _staff_chat(db, "00004") is None

    await staff.add_staff(db, ba_dinh, telegram_id=chi.id, role=Role.ADMIN, name="Chi")
    bound = await said(fake, chi, "/bind 4", group)
    assert bound == "Từ nay nhóm này nhận các phản ánh mới của Phường Ba Đình."
    assert await _staff_chat(db, "00004") == await _staff_chat(db, "07060") == group.id
    refusals = (
        await db.exec(select(AuditEntry).where(AuditEntry.action == "bind_staff_chat"))
    ).all()
    assert [(r.actor_telegram_id, r.allowed) for r in refusals] == [
        (dung.id, False),
        (chi.id, True),
    ]
