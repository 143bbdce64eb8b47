"""The Telegram channel: the runtime (runtime/, updates/, outbox/), what its chats show (ui/,
compose/), the fake Bot API (emulator/) and the sandbox. `python -m bot` is the entry point."""

from bot.runtime.lazy_aiogram import import_aiogram

import_aiogram()
