"""Finding the button a user taps among the keyboards the bot has shown in a chat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.content import describe
from bot.emulator.state import ChatState, StoredMessage


@dataclass
class Button:
    message: StoredMessage
    data: dict[str, Any]
    inline: bool  # False: a reply-keyboard button


def _buttons(chat: ChatState, stored: StoredMessage) -> list[Button]:
    found: list[Button] = []
    inline = stored.data.get("reply_markup") or {}
    for row in inline.get("inline_keyboard", []):
        found.extend(Button(stored, dict(button), True) for button in row)
    if chat.reply_keyboard is not None and chat.reply_keyboard[0] == stored.message_id:
        for row in chat.reply_keyboard[1].get("keyboard", []):
            found.extend(Button(stored, dict(button), False) for button in row)
    return found


def _newest_first(chat: ChatState) -> list[tuple[StoredMessage, list[Button]]]:
    result = []
    for message_id in reversed(chat.bot_messages):
        stored = chat.live(message_id)
        if stored is not None and (buttons := _buttons(chat, stored)):
            result.append((stored, buttons))
    return result


def find_button(chat: ChatState, text: str) -> Button:
    """The newest button labelled exactly `text`; else the only one starting with it."""
    candidates = _newest_first(chat)
    for _, buttons in candidates:
        for button in buttons:
            if button.data.get("text") == text:
                return button
    for _, buttons in candidates:
        prefixed = [b for b in buttons if str(b.data.get("text", "")).startswith(text)]
        if len(prefixed) == 1:
            return prefixed[0]
        if len(prefixed) > 1:
            labels = [b.data.get("text") for b in prefixed]
            raise AssertionError(f"button {text!r} is ambiguous in chat {chat.id}: {labels}")
    shown = "\n".join(f"  {describe(stored)}" for stored, _ in candidates) or "  (none)"
    raise AssertionError(
        f"no button {text!r} in chat {chat.id}; keyboards the bot has shown:\n{shown}"
    )
