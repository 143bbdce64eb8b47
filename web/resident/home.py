"""`/`: choosing the commune, by name with diacritics ignored; with one commune, straight to
it. `/ngon-ngu/{lang}` switches the page's language."""

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services.communes import registry as communes
from services.communes.search import match_communes
from web.i18n import COOKIE, LANGUAGES
from web.state import State

router = APIRouter()
SHOWN = 20


@router.get("/")
async def choose_commune(request: Request, state: State, q: str = "") -> Response:
    async with state.ctx.sessions() as session:
        registered = list(await communes.list_communes(session))
    if len(registered) == 1 and not q:
        return RedirectResponse(f"/x/{registered[0].code}", status_code=303)
    query = q.strip()[:100]
    if query:
        found = match_communes(registered, query, SHOWN)
        shown, more = list(found.shown), found.total - len(found.shown)
    else:
        shown, more = registered[:SHOWN], max(0, len(registered) - SHOWN)
    return state.pages.render(
        request,
        "home.html.j2",
        {"communes": shown, "more": more, "query": query, "none": not registered},
    )


@router.get("/ngon-ngu/{language}")
async def switch_language(language: str, next: str = "/") -> Response:
    # only a path of this site: never a way to send someone elsewhere
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if language in LANGUAGES:
        response.set_cookie(COOKIE, language, max_age=365 * 86400, samesite="lax", path="/")
    return response
