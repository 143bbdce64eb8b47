"""The HTTP side: routes, request bodies (form, multipart, JSON), answer envelopes."""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from bot.emulator.errors import ApiError, bad_request
from bot.emulator.faults import Faults
from bot.emulator.methods import SEND_METHODS, Described, Handler, registry
from bot.emulator.params import Params, Upload
from bot.emulator.state import State

MAX_BODY = 60 * 1024 * 1024
logger = logging.getLogger(__name__)


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Query string plus body fields, and the file parts of a multipart body."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.content_type == "application/json":
        raw = await request.read()
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        values.update(body)
    elif request.content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                data = bytes(await part.read(decode=True))
                uploads[part.name] = Upload(part.filename, data, content_type)
            else:
                values[part.name] = await part.text()
    elif request.body_exists:
        form = await request.post()
        values.update({key: value for key, value in form.items() if isinstance(value, str)})
    return values, uploads


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


class BotApiServer:
    """Serves the Bot API over `State`, applying queued faults and the rate limiter first."""

    def __init__(self, state: State, faults: Faults) -> None:
        self.state = state
        self.faults = faults
        self.methods: dict[str, tuple[str, Handler]] = registry()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(
            self.application(), handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        self.state.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _json(ApiError(401, "Unauthorized").envelope(), 401)
        entry = self.methods.get(request.match_info["method"].lower())
        if entry is None:
            return _json(ApiError(404, "Not Found").envelope(), 404)
        name, handler = entry
        try:
            values, uploads = await read_params(request)
            params = Params(values, uploads)
        except ApiError as error:
            self.state.calls.append((name, {}))
            return self.fail(name, {}, error)
        logged = params.logged()
        self.state.calls.append((name, logged))
        try:
            result = await self.call(name, handler, params)
        except ApiError as error:
            return self.fail(name, logged, error)
        except Exception as crash:  # a bug in the fake: loud in the log, and in `crashes`
            logger.exception("fake Telegram crashed in %s", name)
            self.state.crashes.append((name, logged, crash))
            return self.fail(
                name, logged, ApiError(500, f"Internal Server Error: fake crashed: {crash!r}")
            )
        body: dict[str, Any] = {"ok": True, "result": result}
        if isinstance(result, Described):
            body.update(result=result.result, description=result.description)
        self.state.notify()
        return _json(body)

    def fail(self, name: str, logged: dict[str, Any], error: ApiError) -> web.Response:
        self.state.errors.append((name, logged, error))
        self.state.notify()
        return _json(error.envelope(), error.status)

    async def call(self, name: str, handler: Handler, params: Params) -> Any:
        error = self.faults.take(name.lower()) or self.flood_control(name.lower(), params)
        if error is not None:
            raise error
        result = handler(self.state, params)
        return await result if inspect.isawaitable(result) else result

    def flood_control(self, method: str, params: Params) -> ApiError | None:
        limiter = self.faults.limiter
        if limiter is None or method not in SEND_METHODS:
            return None
        chat = self.state.chats.get(params.get("chat_id"))
        return limiter.check(params.get("chat_id"), chat is not None and chat.type != "private")

    async def handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            return _json(ApiError(401, "Unauthorized").envelope(), 401)
        record = self.state.files.by_path(request.match_info["path"])
        if record is None:
            return _json(ApiError(404, "Not Found").envelope(), 404)
        return web.Response(
            body=record.data, content_type=record.mime_type or "application/octet-stream"
        )
