"""`/h/{code}/{token}`: the case's own page — the receipt, its story as the resident may see
it — and the resident's actions, as in Telegram: add information, withdraw, rate the answer,
ask again within 7 days of an unsatisfying one. The link is the key: no account."""

from collections.abc import Awaitable, Callable

import segno
from fastapi import APIRouter
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from models import Rating, Resident, Ticket
from services.cases import follow_up, links, subscriptions
from services.cases.lifecycle import OPEN
from services.cases.views import load_ticket_view, resident_story
from services.errors import DomainError, InvalidInput, TicketNotFound
from services.privacy import erasure
from services.privacy.ledger import ErasureLedger
from web.security import CSRF_FIELD
from web.state import State, WebState

router = APIRouter()
TYPED = ("text", "comment", "reason", "rating")  # what the action forms hold
Action = Callable[[AsyncSession, Ticket, Resident, FormData, WebState], Awaitable[object]]


async def _show(
    request: Request,
    state: WebState,
    code: str,
    token: str,
    error: str | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    async with state.ctx.sessions() as session:
        try:
            ticket = await links.ticket_by_link(session, code, token)
        except TicketNotFound:
            return state.pages.not_found(request)
        assert ticket.id is not None
        view = await load_ticket_view(session, ticket.id)
        story = await resident_story(session, ticket.id)
        resident = await session.get(Resident, ticket.resident_id) if ticket.resident_id else None
    now = state.ctx.clock.now()
    page = f"/h/{view.code}/{token}"
    link = state.ctx.settings.public_url + page
    new = request.query_params.get("moi") == "1"
    return state.pages.render(
        request,
        "case.html.j2",
        {
            "view": view,
            "story": story,
            "page": page,
            "link": link,
            "new": new,
            # to scan with another phone, or print: only on the page shown once after filing
            "qr": segno.make(link, error="m").svg_data_uri(scale=4, border=2) if new else None,
            "error": error,
            "typed": typed or {},  # a refused action's words come back in its form
            "can_add": ticket.status in OPEN,
            "can_withdraw": ticket.status in OPEN,
            "can_rate": ticket.status in follow_up.RATEABLE and ticket.rating is None,
            "can_reopen": follow_up.can_reopen(ticket, now),
            "ratings": [r.value for r in Rating],
            "erased": resident is None or resident.erased_at is not None,
            "push_key": state.push_key,
            "page_key": f"{view.commune.code}/{view.code}",
            "erasure_waits": resident is not None
            and resident.erased_at is None
            and resident.erasure_requested_at is not None,
        },
        status=status,
    )


@router.get("/h/{code}/{token}")
async def case_page(code: str, token: str, request: Request, state: State) -> Response:
    return await _show(request, state, code, token)


async def _add_info(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    now = state.ctx.clock.now()
    text = str(form.get("text") or "")
    return await follow_up.add_info(
        session, ticket, resident, text, at=now, now=now, channel=ticket.channel
    )


async def _withdraw(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    if form.get("confirm") != "yes":
        raise InvalidInput("confirm")
    now = state.ctx.clock.now()
    return await follow_up.withdraw(session, ticket, resident, at=now, now=now)


async def _rate(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    try:
        level = Rating(str(form.get("rating") or ""))
    except ValueError as exc:
        raise InvalidInput("rating") from exc
    comment = str(form.get("comment") or "") or None
    return await follow_up.rate(
        session, ticket, resident, level, at=state.ctx.clock.now(), comment=comment
    )


async def _reopen(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    now = state.ctx.clock.now()
    reason = str(form.get("reason") or "")
    return await follow_up.reopen(session, ticket, resident, reason, at=now, now=now)


async def _erase(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    """As /forget: now, or once the open case is closed (its answer needs the contact)."""
    if form.get("confirm") != "yes":
        raise InvalidInput("confirm")
    ledger = ErasureLedger(state.ctx.settings.erasure_ledger_path)
    return await erasure.request_erasure(session, resident, state.ctx.clock.now(), ledger=ledger)


async def _subscribe(
    session: AsyncSession, ticket: Ticket, resident: Resident, form: FormData, state: WebState
) -> object:
    """ "Nhận thông báo": the page's script posts what the browser's push service gave it."""
    browser = subscriptions.Browser(
        endpoint=str(form.get("endpoint") or ""),
        p256dh=str(form.get("p256dh") or ""),
        auth=str(form.get("auth") or ""),
    )
    settings = state.ctx.settings
    return await subscriptions.subscribe(
        session, ticket, browser, settings.push_services, state.ctx.clock.now()
    )


ACTIONS: dict[str, Action] = {
    "bo-sung": _add_info,
    "rut": _withdraw,
    "danh-gia": _rate,
    "hoi-lai": _reopen,
    "xoa": _erase,
    "thong-bao": _subscribe,
}


@router.post("/h/{code}/{token}/{action}")
async def case_action(
    code: str, token: str, action: str, request: Request, state: State
) -> Response:
    form = await request.form()
    if action not in ACTIONS:
        return state.pages.not_found(request)
    typed = {k: str(v) for k, v in form.items() if k in TYPED and isinstance(v, str)}
    if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
        return await _show(request, state, code, token, "expired", 400, typed)
    async with state.ctx.sessions() as session:
        try:
            ticket = await links.ticket_by_link(session, code, token)
        except TicketNotFound:
            return state.pages.not_found(request)
        resident = await session.get(Resident, ticket.resident_id) if ticket.resident_id else None
        if resident is None:
            return state.pages.not_found(request)
        try:
            await ACTIONS[action](session, ticket, resident, form, state)
        except InvalidInput as exc:
            await session.rollback()
            reason = str(exc.args[0]) if exc.args else "invalid"
            return await _show(request, state, code, token, reason, 400, typed)
        except DomainError:  # changed meanwhile, or no longer allowed in its state
            await session.rollback()
            return await _show(request, state, code, token, "refused", 409, typed)
    return RedirectResponse(f"/h/{ticket.code}/{token}#{action}", status_code=303)
