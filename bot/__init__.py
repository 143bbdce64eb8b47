"""Hòm thư số: the Telegram bot, its configuration, outbox and command line."""

from bot.lazy_aiogram import import_aiogram

import_aiogram()
