"""Finding the ticket a staff member means, and the staff record that lets them act on it.

In the staff group the group's commune is meant; in a private chat, the communes the person
works for. Whether they may act is decided later, by the action, from the database."""

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune, Role, Staff, Ticket
from services.cases.codes import parse_code
from services.cases.lifecycle import ALL_STAFF, LEADERS, require_staff
from services.errors import InvalidInput, InvalidTicketCode, NotAuthorized, TicketNotFound
from services.people.staff import communes_by_staff_chat, memberships
from services.text import fold


def stranger(telegram_id: int) -> Staff:
    """An unsaved stand-in for someone who is not staff of the ticket's commune: every action
    refuses it, and the refusal records who tried."""
    return Staff(telegram_id=telegram_id, commune_id=0, name="", role=Role.OFFICER, active=False)


async def staff_in(session: AsyncSession, telegram_id: int, commune_id: int) -> Staff:
    member = (
        await session.exec(
            select(Staff).where(
                Staff.telegram_id == telegram_id,
                Staff.commune_id == commune_id,
                col(Staff.active).is_(True),
            )
        )
    ).first()
    return member or stranger(telegram_id)


async def staff_for_phone(session: AsyncSession, telegram_id: int, ticket: Ticket) -> Staff:
    """Who may see a resident's phone: whoever may act on the case — the commune's leaders
    and admins, the officer it is assigned to, or any of its officers while nobody has it.
    A refusal is recorded (committed) and raised."""
    member = await staff_in(session, telegram_id, ticket.commune_id)
    someone_else_has_it = ticket.assignee_id not in (None, member.id)
    roles = LEADERS if someone_else_has_it else ALL_STAFF
    try:
        return require_staff(session, member, ticket, roles, "view_phone")
    except NotAuthorized:
        await session.commit()
        raise


async def communes_in_scope(
    session: AsyncSession, telegram_id: int, group_chat_id: int | None
) -> list[int]:
    if group_chat_id is not None:
        return [c.id for c in await communes_by_staff_chat(session, group_chat_id) if c.id]
    return [m.commune_id for m in await memberships(session, telegram_id)]


async def communes_to_search(
    session: AsyncSession, telegram_id: int, group_chat_id: int | None
) -> list[int]:
    """Whose cases /find and /queue show: communes the person is active staff of; in a staff
    group, only those bound to it (a group member who is not staff there sees nothing)."""
    mine = {m.commune_id for m in await memberships(session, telegram_id)}
    return [c for c in await communes_in_scope(session, telegram_id, group_chat_id) if c in mine]


async def ticket_for_staff(
    session: AsyncSession, telegram_id: int, raw_code: str, group_chat_id: int | None
) -> tuple[Ticket, Staff]:
    """The ticket with this code in the caller's scope, and their staff record there (a
    stranger when they are not staff of that commune: the action then refuses and logs it)."""
    code = parse_code(raw_code)
    scope = await communes_in_scope(session, telegram_id, group_chat_id)
    found = (
        await session.exec(
            select(Ticket).where(Ticket.code == code, col(Ticket.commune_id).in_(scope))
        )
    ).all()
    if not found:
        raise TicketNotFound(code)
    if len(found) > 1:
        raise InvalidInput("ambiguous_code")
    ticket = found[0]
    return ticket, await staff_in(session, telegram_id, ticket.commune_id)


async def ticket_in_commune(session: AsyncSession, raw_code: str, commune_id: int) -> Ticket:
    """A code named alongside a case (the case a duplicate goes into) means one of that
    case's commune: codes repeat from commune to commune."""
    code = parse_code(raw_code)
    found = (
        await session.exec(
            select(Ticket).where(Ticket.code == code, Ticket.commune_id == commune_id)
        )
    ).first()
    if found is None:
        raise TicketNotFound(code)
    return found


async def ticket_by_id_for_staff(
    session: AsyncSession, telegram_id: int, ticket_id: int, group_chat_id: int | None = None
) -> tuple[Ticket, Staff]:
    """A button's ticket; pressed in a staff group, only one of that group's communes, as
    with codes: a member of two communes never acts on one from the other's group."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or (
        group_chat_id is not None
        and ticket.commune_id not in await communes_in_scope(session, telegram_id, group_chat_id)
    ):
        raise TicketNotFound(str(ticket_id))
    return ticket, await staff_in(session, telegram_id, ticket.commune_id)


async def active_staff(session: AsyncSession, commune_ids: Sequence[int]) -> list[Staff]:
    """Who /assign can name, by name."""
    return list(
        (
            await session.exec(
                select(Staff)
                .where(col(Staff.commune_id).in_(list(commune_ids)), col(Staff.active).is_(True))
                .order_by(col(Staff.name), col(Staff.id))
            )
        ).all()
    )


async def staff_matching(session: AsyncSession, commune_id: int, who: str) -> list[Staff]:
    """`who` is a @username, a Telegram id, or a part of the name (diacritics ignored)."""
    people = await active_staff(session, [commune_id])
    wanted = who.strip()
    if wanted.startswith("@"):
        return [p for p in people if p.username and p.username.lower() == wanted[1:].lower()]
    if wanted.lstrip("-").isdigit():
        return [p for p in people if p.telegram_id == int(wanted)]
    needle = fold(wanted)
    return [p for p in people if needle and needle in fold(p.name)]


async def find_staff(session: AsyncSession, commune_id: int, who: str) -> Staff:
    """The one staff member `who` names (see staff_matching)."""
    matches = await staff_matching(session, commune_id, who)
    if len(matches) != 1:
        raise InvalidInput("staff_not_found" if not matches else "staff_ambiguous")
    return matches[0]


async def search_tickets(
    session: AsyncSession, commune_ids: Sequence[int], query: str, *, limit: int = 10
) -> list[Ticket]:
    """By code, or by words of the text, diacritics and case ignored (folded in Python over
    the texts of the commune's 5,000 newest tickets: a commune has thousands, not millions;
    only the ids and texts are read, then the few tickets found)."""
    try:
        code = parse_code(query)
    except InvalidTicketCode:
        code = None
    base = select(Ticket).where(col(Ticket.commune_id).in_(list(commune_ids)))
    if code:
        return list((await session.exec(base.where(Ticket.code == code))).all())
    needle = fold(query)
    if not needle:
        return []
    texts = await session.exec(
        select(Ticket.id, Ticket.text)
        .where(col(Ticket.commune_id).in_(list(commune_ids)))
        .order_by(col(Ticket.received_at).desc())
        .limit(5000)
    )
    found: list[int] = []
    for ticket_id, text in texts:
        if ticket_id is not None and needle in fold(text):
            found.append(ticket_id)
            if len(found) >= limit:
                break
    if not found:
        return []
    tickets = {t.id: t for t in (await session.exec(base.where(col(Ticket.id).in_(found)))).all()}
    return [tickets[ticket_id] for ticket_id in found]


async def queue(session: AsyncSession, staff: Staff) -> list[Ticket]:
    """The member's open tickets — assigned to them, and unassigned ones — most urgent first."""
    from models.enums import OPEN_STATUSES

    return list(
        (
            await session.exec(
                select(Ticket)
                .where(
                    Ticket.commune_id == staff.commune_id,
                    col(Ticket.status).in_(list(OPEN_STATUSES)),
                    (col(Ticket.assignee_id) == staff.id) | col(Ticket.assignee_id).is_(None),
                )
                .order_by(col(Ticket.resolve_due_at), col(Ticket.id))
                .limit(30)
            )
        ).all()
    )


async def commune_name(session: AsyncSession, commune_id: int) -> str:
    commune = await session.get(Commune, commune_id)
    return commune.name if commune else ""


async def assignable(session: AsyncSession, commune_id: int) -> list[Staff]:
    """Whom a case can be given to: the commune's officers, or anyone if it has none."""
    people = (
        await session.exec(
            select(Staff)
            .where(Staff.commune_id == commune_id, col(Staff.active).is_(True))
            .order_by(col(Staff.name))
        )
    ).all()
    officers = [p for p in people if p.role is Role.OFFICER]
    return officers or list(people)
