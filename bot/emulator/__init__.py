"""A local fake of the Telegram Bot API, as strict as Telegram, for end-to-end tests.

Usage::

    fake = FakeTelegram()
    await fake.start()
    bot = fake.bot()  # AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    hoa = fake.add_user("Nguyễn Thị Hoa")
    hoa.send("/start")  # injects an update the bot receives by getUpdates
    reply = await hoa.next_message()  # what the bot sent back
    await fake.stop()
"""

from bot.emulator.errors import ApiError
from bot.emulator.fake import DEFAULT_TOKEN, FakeTelegram
from bot.emulator.params import Upload
from bot.emulator.users.actors import FakeChat, FakeUser

__all__ = ["DEFAULT_TOKEN", "ApiError", "FakeChat", "FakeTelegram", "FakeUser", "Upload"]
