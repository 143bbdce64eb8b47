"""The page's HTTP API (the contract the page is written against), beside the Bot API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from . import actions, texts
from .actions import PageError
from .chatlog import reply_keyboard
from .clock import ADVANCES
from .demo import PLACES, Phone
from .guard import guard, with_token
from .ticker import ran_labels

if TYPE_CHECKING:  # the world builds this module's routes
    from .world import Sandbox

STATIC = Path(__file__).resolve().parent / "static"
SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox")
API = "/sandbox/api"


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX]


def _refuse(sandbox: Sandbox, message: str, status: int = 400, **values: Any) -> web.Response:
    return _json({"ok": False, "error": texts.say(sandbox.lang, message, **values)}, status)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise PageError(texts.BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise PageError(texts.BAD_REQUEST)
    return body


def _phone(request: web.Request) -> Phone:
    try:
        chat_id = int(request.match_info["chat_id"])
    except ValueError:
        chat_id = 0
    phone = _sandbox(request).phone(chat_id)
    if phone is None:
        raise PageError(texts.NO_SUCH_CHAT)
    return phone


@web.middleware
async def polite_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except PageError as error:
        status = 404 if error.message == texts.NO_SUCH_CHAT else 400
        return _refuse(_sandbox(request), error.message, status, **error.values)


PLACEHOLDER = (
    "<!doctype html><meta charset='utf-8'><title>Hòm thư số</title>"
    "<p>The sandbox runs; its page (bot/sandbox/static/index.html) is not installed. "
    "The API is at <a href='/sandbox/api/state'>/sandbox/api/state</a>.</p>"
)


async def index(request: web.Request) -> web.StreamResponse:
    """The page, holding this run's token (bot/sandbox/guard.py)."""
    page = STATIC / "index.html"
    if not page.is_file():
        return web.Response(text=PLACEHOLDER, content_type="text/html")
    return web.Response(
        text=with_token(page.read_text(encoding="utf-8"), _sandbox(request).token),
        content_type="text/html",
        headers={"Cache-Control": "no-store"},
    )


async def state(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    assert sandbox.commune is not None
    return _json(
        {
            "lang": sandbox.lang,
            "clock": sandbox.clock_json(),
            "commune": {"name": sandbox.commune.name, "places": PLACES},
            "chats": [phone.as_json() for phone in sandbox.phones],
        }
    )


async def chat(request: web.Request) -> web.Response:
    phone, sandbox = _phone(request), _sandbox(request)
    keyboard = reply_keyboard(sandbox.fake.state.chats[phone.chat_id])
    return _json({**phone.as_json(), "reply_keyboard": keyboard})


async def messages(request: web.Request) -> web.Response:
    phone, sandbox = _phone(request), _sandbox(request)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        raise PageError(texts.BAD_REQUEST) from None
    sandbox.chatlog.refresh(sandbox.chat_ids)
    found = sandbox.chatlog.messages(phone.chat_id, after, phone.user_id)
    return _json({"messages": found, "seq": sandbox.chatlog.seq})


async def _photo(request: web.Request) -> tuple[bytes, str | None]:
    data, caption = b"", None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "photo":
            data = bytes(await part.read_chunk(actions.MAX_PHOTO + 1))
            while len(data) <= actions.MAX_PHOTO and (chunk := await part.read_chunk()):
                data += chunk
            if len(data) > actions.MAX_PHOTO:
                raise PageError(texts.TOO_BIG)
        elif part.name == "caption":
            caption = await part.text()
    return data, caption


async def send(request: web.Request) -> web.Response:
    phone, sandbox = _phone(request), _sandbox(request)
    user = sandbox.user(phone)
    if request.content_type == "multipart/form-data":
        data, caption = await _photo(request)
        actions.send_photo(user, phone, data, caption)
    else:
        chat_state = sandbox.fake.state.chats[phone.chat_id]
        actions.send(user, phone, chat_state, await _body(request))
    return _json({"ok": True})


async def tap(request: web.Request) -> web.Response:
    phone, sandbox = _phone(request), _sandbox(request)
    chat_state = sandbox.fake.state.chats[phone.chat_id]
    actions.tap(sandbox.user(phone), phone, chat_state, await _body(request))
    return _json({"ok": True})


async def residents(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    phone = await sandbox.add_resident()
    if phone is None:
        raise PageError(
            texts.RESIDENT_LIMIT, count=sum(p.kind == "resident" for p in sandbox.phones)
        )
    return _json({"chat": phone.as_json()})


async def clock(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    step = (await _body(request)).get("advance")
    if step not in ADVANCES:
        raise PageError(texts.BAD_ADVANCE)
    runs = await sandbox.advance(step)
    assert sandbox.app is not None
    ran = ran_labels(runs, sandbox.app.ctx.tz, sandbox.lang)
    return _json({"clock": sandbox.clock_json(), "ran": ran})


async def lang(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    chosen = (await _body(request)).get("lang")
    if chosen not in texts.LANGUAGES:
        raise PageError(texts.BAD_LANGUAGE)
    await sandbox.set_lang(chosen)
    return _json({"ok": True})


async def report(request: web.Request) -> web.Response:
    from .reports import document

    kind, form = request.match_info["kind"], request.match_info["form"]
    built = await document(_sandbox(request), kind, form)
    headers = {"Cache-Control": "no-store"}
    if built.file_name:
        headers["Content-Disposition"] = f'attachment; filename="{built.file_name}"'
    return web.Response(body=built.body, headers={**headers, "Content-Type": built.content_type})


async def files(request: web.Request) -> web.Response:
    record = _sandbox(request).fake.state.files.get(request.match_info["file_id"])
    if record is None:
        raise web.HTTPNotFound()
    content_type = actions.image_type(record.data) or record.mime_type or "application/octet-stream"
    return web.Response(body=record.data, content_type=content_type)


async def events(request: web.Request) -> web.StreamResponse:
    return await _sandbox(request).events.stream(request)


def add_routes(app: web.Application, sandbox: Sandbox) -> None:
    app[SANDBOX] = sandbox
    sends = re.compile(API + r"/chats/-?\d+/send")
    app.middlewares.append(
        guard(lambda: sandbox.address, sandbox.token, API, lambda p: bool(sends.fullmatch(p)))
    )
    app.middlewares.append(polite_errors)
    app.router.add_get("/", index)
    if STATIC.is_dir():
        app.router.add_static("/static/", STATIC)
    app.router.add_get(f"{API}/state", state)
    app.router.add_get(f"{API}/events", events)
    app.router.add_get(API + "/chats/{chat_id}", chat)
    app.router.add_get(API + "/chats/{chat_id}/messages", messages)
    app.router.add_post(API + "/chats/{chat_id}/send", send)
    app.router.add_post(API + "/chats/{chat_id}/tap", tap)
    app.router.add_post(f"{API}/residents", residents)
    app.router.add_post(f"{API}/clock", clock)
    app.router.add_post(f"{API}/lang", lang)
    app.router.add_get(API + "/reports/{kind:monthly|annual}.{form:html|docx}", report)
    app.router.add_get(API + "/files/{file_id}", files)
