"""The command menus Telegram shows: residents' in private chats, the desk's in groups."""

import asyncio
import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


def resident_commands() -> list[BotCommand]:
    return [
        BotCommand(command="start", description=_("Start, and what we keep about you")),
        BotCommand(command="new", description=_("Send feedback")),
        BotCommand(command="mine", description=_("My cases")),
        BotCommand(command="status", description=_("One case by its code")),
        BotCommand(command="help", description=_("How to use this bot")),
        BotCommand(command="cancel", description=_("Stop what you are doing")),
        BotCommand(command="language", description=_("Tiếng Việt / English")),
        BotCommand(command="mydata", description=_("What we keep about you")),
        BotCommand(command="forget", description=_("Erase my personal data")),
    ]


def staff_group_commands() -> list[BotCommand]:
    return [
        BotCommand(command="ack", description=_("Accept a case: /ack PA26-0001")),
        BotCommand(command="assign", description=_("Assign: /assign PA26-0001 Lan")),
        BotCommand(command="reply", description=_("Answer the resident: /reply PA26-0001 …")),
        BotCommand(command="close", description=_("Close with the result: /close PA26-0001 …")),
        BotCommand(command="forward", description=_("Forward to the competent body")),
        BotCommand(command="reject", description=_("Refuse, with the reason")),
        BotCommand(command="extend", description=_("Extend: /extend PA26-0001 +5 reason")),
        BotCommand(command="merge", description=_("Merge a duplicate into a case")),
        BotCommand(command="note", description=_("Internal note")),
        BotCommand(command="queue", description=_("My open cases, most urgent first")),
        BotCommand(command="find", description=_("Find cases by code or words")),
        BotCommand(command="bind", description=_("Make this group the staff group (admins)")),
    ]


async def register_commands(bot: Bot, i18n: I18n) -> None:
    """Residents' commands in private chats, the desk's in groups; Vietnamese by default."""
    with i18n.context():
        for scope, commands in (
            (BotCommandScopeAllPrivateChats(), resident_commands),
            (BotCommandScopeAllGroupChats(), staff_group_commands),
        ):
            for language in ("vi", "en"):
                with i18n.use_locale(language):
                    await bot.set_my_commands(commands(), scope=scope, language_code=language)
            with i18n.use_locale("vi"):  # everyone else sees Vietnamese
                await bot.set_my_commands(commands(), scope=scope)


async def register_commands_when_reachable(bot: Bot, i18n: I18n) -> None:
    """The menus are a convenience: an unreachable Telegram at start must not stop the bot,
    which keeps receiving (and storing) updates as soon as Telegram answers."""
    delay = 1.0
    while True:
        try:
            await register_commands(bot, i18n)
            return
        except Exception as exc:
            log.warning("could not set the command menus (%s); trying again", type(exc).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 300.0)
