"""`/x/{code}`: the commune's page and its form; `POST /x/{code}` files the case through the
same service as Telegram (channel `web`, received at the server's time) and sends the
resident to the case's own page. A refused form comes back as typed, a message per field."""

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from fastapi import APIRouter
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from models import Channel, Commune, Kind
from services.cases import files, links, tickets
from services.communes import registry as communes
from services.errors import CommuneNotFound, InvalidCommuneCode, InvalidInput
from services.people import residents
from services.people.residents import normalize_phone
from services.text import nfc
from web.i18n import request_language
from web.security import CSRF_FIELD
from web.state import State, WebState

router = APIRouter()
FILEABLE = [k.value for k in tickets.FILEABLE_KINDS]
FORMAL = [Kind.COMPLAINT.value, Kind.DENUNCIATION.value]
HONEYPOT = "website"  # hidden from people; a bot that fills every field fills it
PER_PHONE_AN_HOUR = 5
JUST_SENT = "vua_gui"  # a cookie: the case this browser filed in the last ten minutes
JUST_SENT_SECONDS = 600


@dataclass
class Form:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field -> message id


async def commune_or_none(session: AsyncSession, code: str) -> Commune | None:
    try:
        return await communes.get_commune(session, code)
    except (CommuneNotFound, InvalidCommuneCode):
        return None


async def _page(
    request: Request, state: WebState, commune: Commune, form: Form, status: int = 200
) -> Response:
    async with state.ctx.sessions() as session:
        assert commune.id is not None
        villages = await communes.list_villages(session, commune.id)
        categories = await communes.list_categories(session, commune.id)
    village = request.query_params.get("thon", "")
    if village and "village" not in form.values:
        form.values["village"] = village
    return state.pages.render(
        request,
        "commune.html.j2",
        {
            "commune": commune,
            "villages": villages,
            "categories": categories,
            "kinds": FILEABLE,
            "formal": FORMAL,
            "form": form,
            "retention_years": state.ctx.settings.retention_years,
        },
        status=status,
    )


@router.get("/x/{code}")
async def commune_page(code: str, request: Request, state: State) -> Response:
    async with state.ctx.sessions() as session:
        commune = await commune_or_none(session, code)
    if commune is None:
        return state.pages.not_found(request)
    return await _page(request, state, commune, Form())


def _read(form: FormData) -> dict[str, str]:
    names = (
        "kind",
        "category",
        "text",
        "village",
        "place",
        "name",
        "phone",
        "consent",
        "lat",
        "lon",
    )
    return {name: str(form.get(name) or "").strip() for name in names}


def _position(values: dict[str, str]) -> tuple[float | None, float | None]:
    """The phone's position, when the page's script filled it in; anything else is none."""
    try:
        lat, lon = float(values["lat"]), float(values["lon"])
    except ValueError:
        return None, None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else (None, None)


def _as_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


async def _uploads(submitted: FormData) -> list[tuple[bytes, str]]:
    chosen = [f for f in submitted.getlist("files") if isinstance(f, UploadFile) and f.filename]
    return [(await f.read(files.MAX_BYTES + 1), f.filename or "") for f in chosen]


async def _store(state: WebState, cleaned: list[files.CleanFile]) -> list[tickets.AttachmentDraft]:
    """Kept on disk before the case is written: a case never names a missing file (a file
    whose case failed is swept away later: services/cases/files.sweep)."""
    now = state.ctx.clock.now()
    drafts = []
    for file in cleaned:
        ref = await asyncio.to_thread(files.store, state.ctx.settings.files_dir, file, now)
        drafts.append(tickets.AttachmentDraft(kind=file.kind, file_ref=ref, file_name=file.name))
    return drafts


@router.post("/x/{code}")
async def file_case(code: str, request: Request, state: State) -> Response:
    async with state.ctx.sessions() as session:
        commune = await commune_or_none(session, code)
    if commune is None:
        return state.pages.not_found(request)
    submitted = await request.form(max_files=files.MAX_FILES + 1)
    form = Form(values=_read(submitted))
    if not state.csrf.valid(request, str(submitted.get(CSRF_FIELD) or "")):
        form.errors["form"] = "expired"
        return await _page(request, state, commune, form, status=400)
    if submitted.get(HONEYPOT):
        form.errors["form"] = "invalid"
        return await _page(request, state, commune, form, status=400)
    if not state.filings_per_address.allow(state.address(request)):
        form.errors["form"] = "too_many"
        return await _page(request, state, commune, form, status=429)
    values = form.values
    again = _sent_just_now(request, commune, values["text"])
    if again is not None:  # a double tap, or "did it go?": the case it already is
        return RedirectResponse(again + "?moi=1", status_code=303)
    if values["kind"] in FORMAL:
        form.errors["kind"] = "formal"
    elif values["kind"] not in FILEABLE:
        form.errors["kind"] = "required"
    phone = None
    if values["phone"]:
        try:
            phone = normalize_phone(values["phone"])
        except InvalidInput:
            form.errors["phone"] = "phone"
    if values["consent"] != "yes":
        form.errors["consent"] = "required"
    if len(values["name"]) > 200:
        form.errors["name"] = "too_long"
    try:
        description = tickets.clean_description(values["text"])
    except InvalidInput as exc:
        form.errors["text"] = str(exc.args[0]) if exc.args else "required"
    if len(values["place"]) > 300:
        form.errors["place"] = "too_long"
    elif "text" not in form.errors and len(values["text"]) + len(values["place"]) > (
        tickets.MAX_DESCRIPTION_CHARS - 10
    ):
        form.errors["text"] = "description_too_long"
    cleaned: list[files.CleanFile] = []
    if not form.errors:  # photos take a moment to check: only for an otherwise good form
        try:
            cleaned = await asyncio.to_thread(files.clean_all, await _uploads(submitted))
        except files.FileRefused as exc:
            form.errors["files"] = ":".join(str(a) for a in exc.args)
    if form.errors:
        return await _page(request, state, commune, form, status=400)
    attachments = await _store(state, cleaned)
    latitude, longitude = _position(values)
    text = description + (f"\n\n📍 {values['place']}" if values["place"] else "")
    async with state.ctx.sessions() as session:
        assert commune.id is not None
        category_id = _as_id(values["category"]) or await communes.other_category(
            session, commune.id
        )
        hour_ago = state.ctx.clock.now() - timedelta(hours=1)
        if phone and await tickets.filed_since(session, phone, Channel.WEB, hour_ago) >= (
            PER_PHONE_AN_HOUR
        ):
            form.errors["form"] = "too_many"
            return await _page(request, state, commune, form, status=429)
        resident = await residents.without_chat(
            session, name=values["name"] or None, language=request_language(request)
        )
        now = state.ctx.clock.now()
        draft = tickets.TicketDraft(
            kind=Kind(values["kind"]),
            category_id=category_id,
            text=text,
            received_at=now,
            channel=Channel.WEB,
            village_id=_as_id(values["village"]),
            phone=phone,
            latitude=latitude,
            longitude=longitude,
            attachments=attachments,
        )
        link = links.new_link()
        try:
            ticket = await tickets.submit_ticket(
                session,
                commune=commune,
                resident=resident,
                draft=draft,
                policy=state.ctx.policy,
                now=now,
                link_hash=link.token_hash,
            )
        except InvalidInput:  # a category or village of another commune: a forged form
            await session.rollback()
            form.errors["form"] = "invalid"
            return await _page(request, state, commune, form, status=400)
    page = f"/h/{ticket.code}/{link.token}"
    response = RedirectResponse(page + "?moi=1", status_code=303)
    response.set_cookie(
        JUST_SENT,
        f"{commune.code}|{_words_key(values['text'])}|{page}",
        max_age=JUST_SENT_SECONDS,
        httponly=True,
        samesite="lax",
        secure=state.csrf.secure,
        path=f"/x/{commune.code}",
    )
    return response


def _words_key(text: str) -> str:
    return hashlib.sha256(" ".join(nfc(text).split()).casefold().encode()).hexdigest()[:32]


def _sent_just_now(request: Request, commune: Commune, text: str) -> str | None:
    """The page of the case this browser filed with these words in the last ten minutes."""
    code, _, rest = request.cookies.get(JUST_SENT, "").partition("|")
    key, _, page = rest.partition("|")
    if code != commune.code or not text.strip() or key != _words_key(text):
        return None
    return page if page.startswith("/h/") else None
