"""Looks for a person in every value of every table: their Telegram id as a number or inside
a text, their name, username, phone and words inside texts, JSON and bytes."""

import json
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def _hits(value: Any, chat_id: int | None, words: tuple[str, ...]) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [str(value)] if value == chat_id else []
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    wanted = [*words, str(chat_id)] if chat_id is not None else list(words)
    return [w for w in wanted if w.casefold() in text.casefold()]


async def traces(
    session: AsyncSession, *, chat_id: int | None, words: tuple[str, ...]
) -> list[str]:
    """ "table.column: what was found" for each place the person still is."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in (await session.exec(select(table))).mappings().all():  # type: ignore[call-overload]
            for column, value in row.items():
                found += [f"{table.name}.{column}: {hit}" for hit in _hits(value, chat_id, words)]
    return sorted(set(found))
