"""Bot API methods, one function each, looked up case-insensitively like Telegram does."""

from __future__ import annotations

from bot.emulator.methods import basic, chats, editing, files, sending
from bot.emulator.methods.common import Described, Handler

__all__ = ["SEND_METHODS", "Described", "Handler", "registry"]

SEND_METHODS = frozenset(
    name.lower()
    for name in (*sending.HANDLERS, *files.HANDLERS)
    if name.startswith(("send", "copy", "forward")) and name != "sendChatAction"
)


def registry() -> dict[str, tuple[str, Handler]]:
    """lower-case method name -> (canonical name, handler)."""
    table: dict[str, tuple[str, Handler]] = {}
    for module in (basic, sending, files, editing, chats):
        for name, handler in module.HANDLERS.items():
            table[name.lower()] = (name, handler)
    return table
