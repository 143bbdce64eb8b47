"""The bot process stays light: building the bot must not load the document, spreadsheet
and chart libraries (a report, an export or a chart loads its own when asked), nor on
SQLite PostgreSQL's driver (8 MB), nor build
aiogram's ~400 Telegram types up front (bot/runtime/lazy_aiogram.py). Each check runs in a fresh
interpreter, since this test process has imported everything already."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests import ROOT

HEAVY = (
    "docx",
    "docxtpl",
    "openpyxl",
    "matplotlib",
    "numpy",
    "PIL",
    "lxml",
    "holidays.countries",
    "vietnam_provinces",
    "jinja2",
    "psycopg",  # on SQLite
)

BUILD_THE_BOT = """
import json, sys
from bot.runtime.app import BotApp
from config.settings import Settings
import server.process, bot.__main__
settings = Settings(bot_token="123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", database_url=sys.argv[1])
app = BotApp.create(settings, with_scheduler=True)
import aiogram.types as types
from aiogram.types.base import TelegramObject
built = [
    name for name in types.__all__
    if isinstance(getattr(types, name), type) and issubclass(getattr(types, name), TelegramObject)
    and getattr(types, name).__pydantic_complete__
]
print(json.dumps({"modules": sorted(sys.modules), "built": built}))
"""


def _run(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_building_the_bot_loads_no_document_library(tmp_path: Path) -> None:
    seen = _run(BUILD_THE_BOT, f"sqlite:///{tmp_path / 'bot.db'}")
    loaded = [m for m in HEAVY if m in seen["modules"]]
    assert loaded == [], f"imported by building the bot: {loaded}"
    # Message (whose validator the others share) and Update (every incoming update) are
    # built; the hundreds of types the bot never receives are not
    assert {"Message", "Update"} <= set(seen["built"])
    assert len(seen["built"]) < 100, len(seen["built"])


EVERY_TYPE = """
import json
import bot  # aiogram through bot/runtime/lazy_aiogram.py
import aiogram.methods as methods
import aiogram.types as types
from aiogram.methods import Response, TelegramMethod
from aiogram.types.base import TelegramObject

def build_all():
    failed = []
    for module, base in ((types, TelegramObject), (methods, TelegramMethod)):
        for name in module.__all__:
            kind = getattr(module, name)
            if not (isinstance(kind, type) and issubclass(kind, base)) or kind is base:
                continue
            try:
                kind.__pydantic_validator__.validate_python
                kind.__pydantic_serializer__.to_python
                if base is TelegramMethod:
                    Response[kind.__returning__].__pydantic_validator__.validate_python
                assert kind.__pydantic_complete__
            except Exception as exc:
                failed.append(f"{name}: {exc!r}")
    return failed

print(json.dumps(build_all()))
"""


def test_every_telegram_type_and_method_builds_on_first_use() -> None:
    """What the bot may meet later (a type inside a method, a method's answer) builds when
    first used, against aiogram's own names, as aiogram's import would have built it."""
    assert _run(EVERY_TYPE) == []


def test_a_lazily_built_update_parses_as_before() -> None:
    code = """
import json
import bot
from aiogram.types import Update
update = Update.model_validate({"update_id": 1, "callback_query": {"id": "9", "chat_instance": "c",
    "from": {"id": 5, "is_bot": False, "first_name": "Lan"}, "data": "x",
    "message": {"message_id": 3, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi",
        "reply_to_message": {"message_id": 2, "date": 0, "chat": {"id": 5, "type": "private"},
            "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 2}]}}}})
message = update.callback_query.message
print(json.dumps([update.callback_query.from_user.first_name, message.text,
    message.reply_to_message.photo[0].height, update.model_dump(exclude_none=True)["update_id"]]))
"""
    assert _run(code) == ["Lan", "hi", 2, 1]
