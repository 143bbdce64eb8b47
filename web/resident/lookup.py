"""`/x/{code}/tra-cuu`: a resident who lost their case's link gives its code and the phone
they gave when filing, and gets a fresh link. The same answer for a wrong code and a wrong
phone; limited per address, so codes cannot be tried one after another."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.cases import links
from services.errors import TicketNotFound
from web.resident.filing import commune_or_none
from web.security import CSRF_FIELD
from web.state import State

router = APIRouter()


@router.get("/x/{code}/tra-cuu")
async def lookup_page(code: str, request: Request, state: State) -> Response:
    async with state.ctx.sessions() as session:
        commune = await commune_or_none(session, code)
    if commune is None:
        return state.pages.not_found(request)
    return state.pages.render(request, "lookup.html.j2", {"commune": commune, "values": {}})


@router.post("/x/{code}/tra-cuu")
async def look_up(code: str, request: Request, state: State) -> Response:
    form = await request.form()
    values = {k: str(form.get(k) or "").strip()[:40] for k in ("case", "phone")}
    async with state.ctx.sessions() as session:
        commune = await commune_or_none(session, code)
        if commune is None:
            return state.pages.not_found(request)
        context = {"commune": commune, "values": values}
        if not state.csrf.valid(request, str(form.get(CSRF_FIELD) or "")):
            return state.pages.render(
                request, "lookup.html.j2", {**context, "error": "expired"}, status=400
            )
        if not state.lookups_per_address.allow(state.address(request)):
            return state.pages.render(
                request, "lookup.html.j2", {**context, "error": "too_many"}, status=429
            )
        try:
            ticket, token = await links.relink(session, commune, values["case"], values["phone"])
        except TicketNotFound:
            return state.pages.render(
                request, "lookup.html.j2", {**context, "error": "not_found"}, status=404
            )
    return RedirectResponse(f"/h/{ticket.code}/{token}", status_code=303)
