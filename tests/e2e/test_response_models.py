"""The model aiogram validates each Bot API answer with is built once per method, not again
after every garbage collection (it cost 5-10 ms a call: the bot's largest per-update cost)."""

import gc
import weakref

from aiogram.methods import Response
from aiogram.types import User

from bot.emulator import FakeTelegram
from bot.runtime.app import build_bot
from config.settings import Settings


async def test_the_answer_model_outlives_garbage_collection(fake: FakeTelegram) -> None:
    bot = build_bot(Settings(bot_token=fake.token, bot_api_url=fake.base_url))
    try:
        me = await bot.get_me()
        model = weakref.ref(Response[User])  # the class aiogram used for that answer
        gc.collect()
        assert model() is not None
        assert (await bot.get_me()).id == me.id
        assert Response[User] is model()
    finally:
        await bot.session.close()
