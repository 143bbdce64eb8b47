"""One entry for every staff action, whether it came from a button, a command or a reply:
parse the words, call the service, say what was done."""

import re
from collections.abc import Sequence
from datetime import date, datetime

from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.labels import answered_text
from config.context import AppContext
from models import Kind, RejectReason, Staff, Ticket
from services.calendar.deadlines import end_of_local_day
from services.calendar.working_days import WorkingCalendar
from services.cases.tickets import AttachmentDraft
from services.desk import actions as desk
from services.desk.access import find_staff, ticket_in_commune
from services.desk.templates import find_category
from services.errors import InvalidInput
from services.text import fold

NEEDS_TEXT = frozenset({"reply", "close", "forward", "reject", "extend", "note", "merge", "assign"})
KIND_WORDS = {
    "phan_anh": Kind.REPORT,
    "kien_nghi": Kind.PROPOSAL,
    "hoi_dap": Kind.QUESTION,
    "khieu_nai": Kind.COMPLAINT,
    "to_cao": Kind.DENUNCIATION,
    **{kind.value: kind for kind in Kind},
}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_due(raw: str, ticket: Ticket, ctx: AppContext, calendar: WorkingCalendar) -> datetime:
    """ "dd/mm/yyyy" or "+N" working days after the current due date; the end of that day."""
    current = ticket.resolve_due_at.astimezone(ctx.tz).date()
    if raw.startswith("+") and raw[1:].isdigit() and 0 < int(raw[1:]) <= 60:
        day = calendar.add_working_days(current, int(raw[1:]))
    elif match := _DATE.match(raw):
        try:
            day = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError as exc:
            raise InvalidInput("bad_date") from exc
    else:
        raise InvalidInput("bad_date")
    return end_of_local_day(day, ctx.tz)


def _split_first(text: str) -> tuple[str, str]:
    head, _sep, rest = text.strip().partition("\n" if "\n" in text.strip() else " ")
    return head.strip(), rest.strip()


async def perform(
    session: AsyncSession,
    ctx: AppContext,
    ticket: Ticket,
    staff: Staff | None,
    action: str,
    text: str,
    *,
    at: datetime,
    files: Sequence[AttachmentDraft] = (),
    reason: RejectReason = RejectReason.OTHER,
    answered: dict[str, str] | None = None,
) -> str:
    """Does it, or raises a DomainError having changed nothing. Returns the confirmation.
    `answered`: how and when a citizen without Telegram got the answer (log_answer.py)."""
    now = ctx.clock.now()
    code = ticket.code
    if action == "ack":
        await desk.acknowledge(session, ticket, staff, at=at, now=now)
        return _("✅ {code} accepted.").format(code=code)
    if action == "take":
        await desk.take(session, ticket, staff, at=at, now=now)
        return _("🙋 {code} is yours.").format(code=code)
    if action == "assign":
        assignee = await find_staff(session, ticket.commune_id, text)
        await desk.assign(session, ticket, staff, assignee, at=at, now=now)
        return _("👤 {code} assigned to {name}.").format(code=code, name=assignee.name)
    if action == "reply":
        await desk.reply(
            session, ticket, staff, text, at=at, now=now, files=files, answered=answered
        )
        if answered:
            return _("💬 Answer to {code} recorded: given {how}.").format(
                code=code, how=answered_text(answered)
            )
        return _("💬 Your answer to {code} was sent to the resident.").format(code=code)
    if action == "close":
        await desk.close(session, ticket, staff, text, at=at, now=now, answered=answered)
        if answered:
            return _("✔️ {code} closed; the answer was given {how}.").format(
                code=code, how=answered_text(answered)
            )
        return _("✔️ {code} closed; the resident has the result.").format(code=code)
    if action == "forward":
        body, why = (text.strip(), "") if "\n" not in text.strip() else _split_first(text)
        await desk.forward(session, ticket, staff, body, why or None, at=at, now=now)
        return _("↪️ {code} forwarded; the resident was told.").format(code=code)
    if action == "reject":
        await desk.reject(session, ticket, staff, reason, text or None, at=at, now=now)
        return _("⛔ {code} refused; the resident was told why.").format(code=code)
    if action == "extend":
        when, why = _split_first(text)
        calendar = await ctx.policy.calendar_for(session, ticket.commune_id)
        due = parse_due(when, ticket, ctx, calendar)
        await desk.extend(session, ticket, staff, due, why, at=at, now=now)
        return _("⏳ {code} extended; the resident was told.").format(code=code)
    if action == "note":
        await desk.add_note(session, ticket, staff, text, at=at, now=now)
        return _("📝 Note added to {code}.").format(code=code)
    if action == "merge":
        into = ticket  # refused before it matters when the caller is not staff
        if staff is not None and staff.id is not None:
            into = await ticket_in_commune(session, text.strip(), ticket.commune_id)
        await desk.merge(session, ticket, staff, into, at=at, now=now)
        return _("🔗 {code} merged into {into}.").format(code=code, into=into.code)
    if action == "reclassify":
        wanted = text.strip()
        kind = KIND_WORDS.get(fold(wanted).replace(" ", "_"))
        category = None if kind else await find_category(session, ticket.commune_id, wanted)
        await desk.reclassify(
            session, ticket, staff, ctx.policy, kind=kind, category=category, at=at, now=now
        )
        return _("🏷 {code} reclassified; its deadlines were computed again.").format(code=code)
    raise InvalidInput(f"unknown action {action}")
