"""Typed callback data. Prefixes carry a version, so buttons on old messages never break
a newer bot: an unknown prefix is answered as a stale button."""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Numbers come back from Telegram as the button sent them, or forged: one the database's
# keys cannot hold (PostgreSQL's integer stops at 2**31 - 1, and refuses the query) or a
# negative one makes the button stale.
Number = Annotated[int, Field(ge=0, le=2**31 - 1)]


class KindChoice(CallbackData, prefix="k1"):
    kind: str


class CategoryChoice(CallbackData, prefix="c1"):
    category_id: Number


class VillageChoice(CallbackData, prefix="v1"):
    village_id: Number  # 0: not given


class FlowAction(CallbackData, prefix="f1"):
    action: str  # next, submit, edit, cancel


class EditField(CallbackData, prefix="e1"):
    field: str


class QuickFile(CallbackData, prefix="q1"):
    message_id: Number
    action: str  # send, details, no


class CommuneChoice(CallbackData, prefix="m1"):
    commune_id: Number


class PhoneReveal(CallbackData, prefix="p1"):
    ticket_id: Number


class LanguageChoice(CallbackData, prefix="l1"):
    language: str


class TicketDetails(CallbackData, prefix="s1"):
    ticket_id: Number


class DeskAction(CallbackData, prefix="d1"):
    """A button on a staff card: ack, take, assign, reply, close, forward, reject, extend,
    note, back."""

    ticket_id: Number
    action: str


class AssignTo(CallbackData, prefix="a1"):
    ticket_id: Number
    staff_id: Number


class RejectWith(CallbackData, prefix="r1"):
    ticket_id: Number
    reason: str


class RateAnswer(CallbackData, prefix="t1"):
    ticket_id: Number
    level: str


class MyTicketAction(CallbackData, prefix="u1"):
    """The resident's own buttons: add (bổ sung), withdraw, withdraw_yes, reopen."""

    ticket_id: Number
    action: str


class InviteCommune(CallbackData, prefix="sc1"):
    """/invite by an admin of several communes: which one."""

    commune_id: Number


class InviteRole(CallbackData, prefix="si1"):
    commune_id: Number
    role: str


class InviteRevoke(CallbackData, prefix="sv1"):
    """/invite lists the open invitations, each with this button."""

    invite_id: Number


class StaffList(CallbackData, prefix="sl1"):
    """/staff: the commune's staff (also "back" from a member)."""

    commune_id: Number


class StaffMember(CallbackData, prefix="sm1"):
    staff_id: Number


class StaffRoleChange(CallbackData, prefix="sr1"):
    staff_id: Number
    role: str


class StaffRemoval(CallbackData, prefix="sx1"):
    staff_id: Number
    confirmed: bool  # False: ask first


class ConfirmReply(CallbackData, prefix="y1"):
    """Before a reply written under a card goes to the resident."""

    ticket_id: Number
    send: bool


class UseTemplate(CallbackData, prefix="w1"):
    ticket_id: Number
    template_id: Number


class DropTemplate(CallbackData, prefix="x1"):
    template_id: Number


class ApologyAction(CallbackData, prefix="ap1"):
    """On a draft apology letter, for leaders: approve (send it as shown) or edit."""

    letter_id: Number
    version: Number  # the text the leader saw: an older version is refused
    action: str


class ReportAction(CallbackData, prefix="b1"):
    """A button on a report draft: approve (Duyệt gửi), edit (Sửa), or the section to edit."""

    version_id: Number
    action: str  # approve, edit, section
    section: str = ""


class ReportPick(CallbackData, prefix="g1"):
    """/report: which period a leader wants (last_month, this_month, last_quarter, …)."""

    choice: str
    commune_id: Number


class ForgetConfirm(CallbackData, prefix="fg1"):
    """/forget: the resident confirms (yes) or keeps their data (no)."""

    answer: str


class LogCommune(CallbackData, prefix="lm1"):
    """/log by staff of several communes: which one."""

    commune_id: Number


class LogPick(CallbackData, prefix="lk1"):
    """/log: an answer to one step (channel, kind, category, village) or a move (now, skip,
    next, save, edit, cancel, or the field to edit)."""

    step: str
    value: str = ""


class AnswerHow(CallbackData, prefix="ah1"):
    """How the answer reached a citizen without Telegram (in_person, phone, letter), or the
    day it did (today, yesterday); cancel stops."""

    ticket_id: Number
    choice: str


class ExportPick(CallbackData, prefix="xp1"):
    """/export: the period (this_month, last_month, this_year, last_year) and the format."""

    choice: str
    file_format: str  # xlsx, csv
    commune_id: Number
