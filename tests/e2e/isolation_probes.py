"""What commune A's people try against commune B in the isolation test: every staff command
with B's codes, and every kind of button with B's ids in callback data written by hand."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.emulator import FakeChat, FakeTelegram, FakeUser
from bot.ui.callbacks import (
    AnswerHow,
    ApologyAction,
    AssignTo,
    ConfirmReply,
    DeskAction,
    DropTemplate,
    ExportPick,
    InviteCommune,
    InviteRevoke,
    InviteRole,
    LogCommune,
    MyTicketAction,
    PhoneReveal,
    RateAnswer,
    RejectWith,
    ReportAction,
    ReportPick,
    StaffList,
    StaffMember,
    StaffRemoval,
    StaffRoleChange,
    TicketDetails,
    UseTemplate,
)
from models import RejectReason
from tests.e2e.isolation_setup import said

CARD_ACTIONS = (
    "ack",
    "take",
    "assign",
    "reply",
    "close",
    "forward",
    "reject",
    "extend",
    "note",
    "merge",
    "back",
)
# {code}: commune B's; each is also sent with a code no commune has, and must be answered
# the same way: B's case is as invisible as one that does not exist
STAFF_COMMANDS = (
    "/ack {code}",
    "/assign {code} Lan",
    "/reply {code} Đã xử lý xong",
    "/forward {code} Công an xã",
    "/reject {code} Không thuộc thẩm quyền",
    "/extend {code} +5 Chờ khảo sát",
    "/close {code} Đã xong",
    "/note {code} Ghi chú",
    "/reclassify {code} dat_dai",
    "/merge {code} {mine}",
    "/merge {mine} {code}",
    "/find {code}",
)


@dataclass
class Seen:
    """Everything commune A's people were answered that can hold B's data."""

    answers: list[str] = field(default_factory=list)  # button presses' pop-ups
    echoes: list[str] = field(default_factory=list)  # replies naming a code A typed


async def press(fake: FakeTelegram, seen: Seen, user: FakeUser, on: dict, data: str) -> str:
    query = user.press(on, data)
    await fake.wait_until(lambda: fake.callback_answers.get(query["id"]) is not None)
    answer = str((fake.callback_answers[query["id"]] or {}).get("text") or "")
    seen.answers.append(answer)
    return answer


async def commands_as_if_absent(
    fake: FakeTelegram,
    seen: Seen,
    user: FakeUser,
    chat: FakeChat | None,
    code: str,
    ghost: str,
    mine: str,
) -> None:
    for template in STAFF_COMMANDS:
        real = await said(fake, user, template.format(code=code, mine=mine), chat)
        absent = await said(fake, user, template.format(code=ghost, mine=mine), chat)
        assert real == absent.replace(ghost, code), (template, real, absent)
        seen.echoes.append(real)


async def card_buttons(
    fake: FakeTelegram,
    seen: Seen,
    user: FakeUser,
    card: dict[str, Any],
    tickets: Sequence[int],
    staff: Sequence[int],
    template: int,
) -> None:
    """On a card of A's group, buttons naming B's tickets (and B's staff as assignees)."""
    for ticket in tickets:
        datas = [DeskAction(ticket_id=ticket, action=action).pack() for action in CARD_ACTIONS]
        datas += [AssignTo(ticket_id=ticket, staff_id=member).pack() for member in staff]
        datas += [RejectWith(ticket_id=ticket, reason=reason).pack() for reason in RejectReason]
        datas += [
            PhoneReveal(ticket_id=ticket).pack(),
            ConfirmReply(ticket_id=ticket, send=True).pack(),
            UseTemplate(ticket_id=ticket, template_id=template).pack(),
            AnswerHow(ticket_id=ticket, choice="in_person").pack(),
        ]
        for data in datas:
            await press(fake, seen, user, card, data)


async def admin_buttons(
    fake: FakeTelegram,
    seen: Seen,
    admin: FakeUser,
    commune: int,
    staff: Sequence[int],
    template: int,
    version: int,
    letters: Sequence[int],
    invitations: Sequence[int],
) -> None:
    """In A's admin's private chat: B's reports, export, staff, invitations, canned replies,
    apology letters."""
    on = admin.sent_messages()[0]
    datas = [
        ReportPick(choice="this_month", commune_id=commune).pack(),
        ExportPick(choice="this_year", file_format="xlsx", commune_id=commune).pack(),
        StaffList(commune_id=commune).pack(),
        InviteCommune(commune_id=commune).pack(),
        InviteRole(commune_id=commune, role="admin").pack(),
        LogCommune(commune_id=commune).pack(),
        DropTemplate(template_id=template).pack(),
        ReportAction(version_id=version, action="approve").pack(),
        ReportAction(version_id=version, action="edit").pack(),
        ReportAction(version_id=version, action="section", section="situation").pack(),
    ]
    for letter in letters:
        datas += [
            ApologyAction(letter_id=letter, version=version, action=action).pack()
            for version in (1, 2)
            for action in ("approve", "edit")
        ]
    datas += [InviteRevoke(invite_id=invite).pack() for invite in invitations]
    for member in staff:
        datas += [
            StaffMember(staff_id=member).pack(),
            StaffRoleChange(staff_id=member, role="officer").pack(),
            StaffRemoval(staff_id=member, confirmed=True).pack(),
        ]
    for data in datas:
        await press(fake, seen, admin, on, data)


async def resident_buttons(
    fake: FakeTelegram, seen: Seen, resident: FakeUser, tickets: Sequence[int]
) -> None:
    """In A's resident's chat: B's cases as if they were theirs."""
    on = resident.sent_messages()[0]
    for ticket in tickets:
        datas = [TicketDetails(ticket_id=ticket).pack()]
        datas += [
            MyTicketAction(ticket_id=ticket, action=action).pack()
            for action in ("add", "withdraw", "withdraw_yes", "reopen")
        ]
        datas.append(RateAnswer(ticket_id=ticket, level="unsatisfied").pack())
        for data in datas:
            await press(fake, seen, resident, on, data)
