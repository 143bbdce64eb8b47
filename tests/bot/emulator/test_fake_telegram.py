"""The fake Telegram Bot API server refuses what Telegram refuses, as aiogram sees it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMediaGroup
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from bot.emulator import FakeTelegram, FakeUser
from bot.emulator.html.entities import HtmlParseError, parse_html

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def close_session(bot: Bot) -> None:
    """Close the HTTP session without aiogram's 250 ms courtesy sleep."""
    session = getattr(bot.session, "_session", None)
    if session is not None and not session.closed:
        await session.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    client = Bot(fake.token, session=session)
    yield client
    await close_session(client)


@pytest.fixture
def hoa(fake: FakeTelegram) -> FakeUser:
    user = fake.add_user("Nguyễn Thị Hoa")
    user.send("/start")
    return user


async def raw(fake: FakeTelegram, path: str, **data: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.post(fake.base_url + path, data=data) as resp:
        return resp.status, await resp.json()


# protocol ------------------------------------------------------------------------------------
async def test_get_me_and_protocol_errors(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456789, "homthuso_test_bot", True)
    status, body = await raw(fake, f"/bot{fake.token}/nosuchmethod")
    assert (status, body["description"]) == (404, "Not Found")
    status, body = await raw(fake, f"/bot{fake.token}/GETME")  # case-insensitive
    assert status == 200 and body["result"]["id"] == 123456789
    status, body = await raw(fake, "/bot1:wrong/getMe")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    stranger = Bot("42:other-token", session=AiohttpSession(api=bot.session.api))
    with pytest.raises(TelegramUnauthorizedError):
        await stranger.get_me()
    await close_session(stranger)


async def test_json_body_and_call_log(fake: FakeTelegram, hoa: FakeUser) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{fake.base_url}/bot{fake.token}/sendMessage",
            json={"chat_id": hoa.id, "text": "xin chào", "reply_markup": {"remove_keyboard": True}},
        ) as resp,
    ):
        assert resp.status == 200
    assert fake.calls[-1] == (
        "sendMessage",
        {"chat_id": hoa.id, "text": "xin chào", "reply_markup": {"remove_keyboard": True}},
    )


async def test_direct_upload_and_get_with_query_string(fake: FakeTelegram, hoa: FakeUser) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(hoa.id))
    form.add_field("photo", PNG, filename="hien-truong.png", content_type="image/png")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{fake.base_url}/bot{fake.token}/sendPhoto", data=form) as resp,
    ):
        body = await resp.json()
    assert body["ok"] and len(body["result"]["photo"]) == 3
    assert fake.file_bytes(body["result"]["photo"][0]["file_id"]) == PNG
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{fake.base_url}/bot{fake.token}/getChat?chat_id={hoa.id}") as resp,
    ):
        assert (await resp.json())["result"]["first_name"] == "Nguyễn Thị Hoa"


# who the bot may write to ------------------------------------------------------------------
async def test_chat_access_rules(fake: FakeTelegram, bot: Bot) -> None:
    lan = fake.add_user("Trần Văn Lan")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(lan.id, "Chào anh")
    lan.send("/start")
    await bot.send_message(lan.id, "Chào anh")
    fake.block(lan)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(lan.id, "Còn đó không?")
    fake.unblock(lan)
    await bot.send_message(lan.id, "Còn đó không?")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(987654321, "?")
    assert [u["my_chat_member"]["new_chat_member"]["status"] for u in fake.pending_updates
            if "my_chat_member" in u] == ["kicked", "member"]  # fmt: skip


async def test_removed_bot_and_migrated_group(fake: FakeTelegram, bot: Bot) -> None:
    group = fake.add_group("Tổ xử lý PAKN")
    old_id = group.id
    await bot.send_message(old_id, "Có phản ánh mới")
    new_id = fake.migrate(group)
    assert str(new_id).startswith("-100") and group.id == new_id
    with pytest.raises(TelegramMigrateToChat) as info:
        await bot.send_message(old_id, "Có phản ánh mới")
    assert info.value.migrate_to_chat_id == new_id
    assert "group chat was upgraded to a supergroup chat" in info.value.message
    notices = [u["message"] for u in fake.pending_updates if "message" in u]
    assert notices[0]["migrate_to_chat_id"] == new_id
    assert notices[1]["migrate_from_chat_id"] == old_id
    await bot.send_message(new_id, "Có phản ánh mới")
    fake.remove_bot(group)
    with pytest.raises(TelegramForbiddenError, match="bot was kicked from the supergroup chat"):
        await bot.send_message(new_id, "Còn ai không?")


# texts and HTML --------------------------------------------------------------------------------
async def test_text_and_caption_limits(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    await bot.send_message(hoa.id, "<b>" + "ạ" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(hoa.id, "ạ" * 4097)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(hoa.id, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(hoa.id, "<b> </b>\n", parse_mode="HTML")
    photo = BufferedInputFile(PNG, "a.png")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(hoa.id, photo, caption="x" * 1025)
    sent = await bot.send_photo(hoa.id, photo, caption="x" * 1024)
    assert sent.caption == "x" * 1024


async def test_html_is_parsed_into_text_and_entities(
    fake: FakeTelegram, bot: Bot, hoa: FakeUser
) -> None:
    source = (
        '<b>Phản ánh <i>#PA-12</i></b> &amp; <a href="https://dichvucong.gov.vn">link</a>\n'
        '<pre><code class="language-json">{"a": 1}</code></pre>'
        "<tg-spoiler>bí mật</tg-spoiler> <blockquote expandable>trích</blockquote>"
    )
    sent = await bot.send_message(hoa.id, source, parse_mode="HTML")
    assert sent.text == 'Phản ánh #PA-12 & link\n{"a": 1}bí mật trích'
    observed = (await hoa.next_message())["entities"]
    kinds = [(e["type"], e["offset"], e["length"]) for e in observed]
    assert ("bold", 0, 15) in kinds and ("italic", 9, 6) in kinds
    assert ("spoiler", 31, 6) in kinds and ("expandable_blockquote", 38, 5) in kinds
    link = {"type": "text_link", "offset": 18, "length": 4, "url": "https://dichvucong.gov.vn/"}
    assert link in observed
    assert {"type": "pre", "offset": 23, "length": 8, "language": "json"} in observed
    assert fake.sent_messages(hoa)[-1]["html"] == source


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("Giá < 100", 'Unsupported start tag "" at byte offset 5'),  # byte, not char, offsets
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("AT&T", 'Character "&" must be escaped as "&amp;" at byte offset 2'),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_errors(markup: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as info:
        parse_html(markup)
    assert error in str(info.value)


def test_html_entities_and_utf16_offsets() -> None:
    text, entities = parse_html("😀 <b>&lt;x&gt; &#272;&#x1EA1;</b> &quot;")
    assert text == '😀 <x> Đạ "'
    assert entities == [{"offset": 3, "length": 6, "type": "bold"}]


async def test_html_error_reaches_aiogram(bot: Bot, hoa: FakeUser) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag"):
        await bot.send_message(hoa.id, "Nhập <mã hồ sơ>", parse_mode="HTML")


# keyboards --------------------------------------------------------------------------------------
def inline(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[list(buttons)])


async def test_keyboard_rules(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    ok = "đ" * 32  # 64 bytes of UTF-8
    fits = inline(InlineKeyboardButton(text="A", callback_data=ok))
    await bot.send_message(hoa.id, "Chọn", reply_markup=fits)
    too_long = inline(InlineKeyboardButton(text="A", callback_data=ok + "x"))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(hoa.id, "Chọn", reply_markup=too_long)
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(hoa.id, "Chọn", reply_markup=inline(InlineKeyboardButton(text="A")))
    two = inline(InlineKeyboardButton(text="A", callback_data="a", url="https://x.vn"))
    with pytest.raises(TelegramBadRequest, match="exactly one"):
        await bot.send_message(hoa.id, "Chọn", reply_markup=two)
    group = fake.add_group()
    share = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Gửi số", request_contact=True)]])
    with pytest.raises(TelegramBadRequest, match="BUTTON_TYPE_INVALID"):
        await bot.send_message(group.id, "Chia sẻ", reply_markup=share)
    await bot.send_message(hoa.id, "Chia sẻ", reply_markup=share)
    contact = hoa.tap("Gửi số")
    assert contact["contact"]["user_id"] == hoa.id


# editing, deleting, callbacks ---------------------------------------------------------------------
async def test_edit_rules(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    keyboard = inline(InlineKeyboardButton(text="Xem", callback_data="view:1"))
    sent = await bot.send_message(hoa.id, "<b>Hồ sơ</b>", parse_mode="HTML", reply_markup=keyboard)
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new message"):
        await bot.edit_message_text(
            text="<b>Hồ sơ</b>", chat_id=hoa.id, message_id=sent.message_id, parse_mode="HTML",
            reply_markup=keyboard,
        )  # fmt: skip
    await bot.edit_message_text(text="Hồ sơ", chat_id=hoa.id, message_id=sent.message_id)
    now = fake.sent_messages(hoa)[-1]
    assert now["text"] == "Hồ sơ" and "reply_markup" not in now and "entities" not in now
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=hoa.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text(text="x", chat_id=hoa.id, message_id=1)  # Hoa's /start
    photo = await bot.send_photo(hoa.id, BufferedInputFile(PNG, "a.png"), caption="Ảnh")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text(text="x", chat_id=hoa.id, message_id=photo.message_id)
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=hoa.id, message_id=sent.message_id, caption="x")
    await bot.edit_message_caption(chat_id=hoa.id, message_id=photo.message_id, caption="Ảnh 2")
    assert await bot.delete_message(hoa.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(hoa.id, sent.message_id)


async def test_reply_target_must_exist(bot: Bot, hoa: FakeUser) -> None:
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(hoa.id, "Trả lời", reply_parameters=ReplyParameters(message_id=77))
    loose = ReplyParameters(message_id=77, allow_sending_without_reply=True)
    sent = await bot.send_message(hoa.id, "Trả lời", reply_parameters=loose)
    assert sent.reply_to_message is None
    sent = await bot.send_message(hoa.id, "Trả lời", reply_to_message_id=1)
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "/start"


async def test_callback_answers(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    button = InlineKeyboardButton(text="Gửi đi", callback_data="send")
    await bot.send_message(hoa.id, "Chọn", reply_markup=inline(button))
    query = hoa.tap("Gửi")  # unique prefix
    assert fake.unanswered_callbacks() == [query]
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query["id"], text="x" * 201)
    await bot.answer_callback_query(query["id"], text="Đã gửi")
    assert fake.callback_answers[query["id"]]["text"] == "Đã gửi"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query["id"])
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")
    with pytest.raises(AssertionError, match=r"(?s)no button 'Hủy'.*Gửi đi"):
        hoa.tap("Hủy")


# commands --------------------------------------------------------------------------------
async def test_commands_by_scope_and_language(fake: FakeTelegram, bot: Bot) -> None:
    private = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")], scope=private,
                              language_code="vi")  # fmt: skip
    assert fake.commands(private, "vi") == [{"command": "start", "description": "Bắt đầu"}]
    assert fake.commands() == [] and await bot.get_my_commands() == []
    assert [c.command for c in await bot.get_my_commands(scope=private, language_code="vi")] == [
        "start"
    ]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_DESCRIPTION_INVALID"):
        await bot.set_my_commands([BotCommand(command="start", description="x" * 257)])
    await bot.delete_my_commands(scope=private, language_code="vi")
    assert fake.commands(private, "vi") == []


# files -----------------------------------------------------------------------------------------
async def test_media_group_rules(bot: Bot, hoa: FakeUser) -> None:
    photos = [InputMediaPhoto(media=BufferedInputFile(PNG, f"{i}.png")) for i in range(3)]
    photos[0] = InputMediaPhoto(media=photos[0].media, caption="<b>Ảnh hiện trường</b>",
                                parse_mode="HTML")  # fmt: skip
    sent = await bot.send_media_group(hoa.id, media=photos)
    assert len(sent) == 3 and len({m.media_group_id for m in sent}) == 1
    assert sent[0].caption == "Ảnh hiện trường" and sent[0].caption_entities
    keyboard = inline(InlineKeyboardButton(text="Xem", callback_data="v"))
    with pytest.raises(TelegramBadRequest, match="reply_markup"):
        await bot(SendMediaGroup(chat_id=hoa.id, media=photos, reply_markup=keyboard))
    with pytest.raises(TelegramBadRequest, match="wrong number of media"):
        await bot.send_media_group(hoa.id, media=photos[:1])


async def test_uploads_get_file_and_download(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    sent = await bot.send_document(hoa.id, BufferedInputFile(b"%PDF-1.4 bao cao", "bao-cao.pdf"))
    assert sent.document is not None and sent.document.file_name == "bao-cao.pdf"
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    assert (await bot.download_file(file.file_path)).read() == b"%PDF-1.4 bao cao"
    again = await bot.send_document(hoa.id, sent.document.file_id)  # re-send by file_id
    assert again.document is not None and again.document.file_id == sent.document.file_id
    photo = hoa.send_photo(caption="Ổ gà")
    biggest = await bot.get_file(photo["photo"][-1]["file_id"])
    assert biggest.file_path is not None
    assert (await bot.download_file(biggest.file_path)).read() == fake.file_bytes(
        photo["photo"][-1]["file_id"]
    )
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(hoa.id, "no-such-file-id")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file-id")


# faults --------------------------------------------------------------------------------------
async def test_fault_injection(fake: FakeTelegram, bot: Bot, hoa: FakeUser) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(hoa.id, "1")
    assert info.value.retry_after == 3
    await bot.send_message(hoa.id, "1")
    fake.fail_next(status=502, count=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_chat_action(hoa.id, "typing")
    await bot.send_chat_action(hoa.id, "typing")
    assert fake.chat_actions == [(hoa.id, "typing")]
    fake.rate_limit(per_second=None, per_chat_per_second=2)
    await bot.send_message(hoa.id, "a")
    await bot.send_message(hoa.id, "b")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(hoa.id, "c")
    assert [e[1] for e in fake.errors] == [429, 502, 502, 429]


# updates ---------------------------------------------------------------------------------------
async def test_get_updates_long_poll_redelivery_and_conflict(fake: FakeTelegram, bot: Bot) -> None:
    user = fake.add_user("Lê Văn Nam")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    user.send("Đường thôn 3 bị sạt lở")
    updates = await poll
    assert time.monotonic() - started < 1 and updates[0].message is not None
    assert updates[0].message.text == "Đường thôn 3 bị sạt lở"
    again = await bot.get_updates()  # not confirmed: delivered again
    assert [u.update_id for u in again] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1) == []
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first
    user.send("còn nữa")
    assert len(await second) == 1
    with pytest.raises(TelegramBadRequest):
        await bot.get_updates(limit=0)
    await bot.set_webhook("https://example.gov.vn/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()


async def test_group_privacy_mode(fake: FakeTelegram, bot: Bot) -> None:
    staff = fake.add_user("Cán bộ Minh")
    group = fake.add_group(members=[staff])
    staff.send("chuyện riêng", chat=group)
    staff.send("/baocao@homthuso_test_bot", chat=group)
    staff.send("/help@other_bot", chat=group)
    notice = await bot.send_message(group.id, "Có phản ánh mới")
    staff.reply(fake.message(group, notice.message_id), "Tôi nhận")
    delivered = [u["message"]["text"] for u in fake.pending_updates]
    assert delivered == ["/baocao@homthuso_test_bot", "Tôi nhận"]
    assert [m["text"] for m in fake.withheld] == ["chuyện riêng", "/help@other_bot"]


# a real dispatcher polling the fake --------------------------------------------------
async def test_dispatcher_round_trip_with_tap(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        button = InlineKeyboardButton(text="Gửi", callback_data="send")
        await message.answer(f"Bạn viết: {message.text}", reply_markup=inline(button))

    @dp.callback_query(F.data == "send")
    async def on_send(query: CallbackQuery) -> None:
        await query.answer("Đã gửi")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Đã gửi phản ánh")

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=5)
    )
    try:
        hoa = fake.add_user("Nguyễn Thị Hoa")
        hoa.send("Đường thôn 3 bị sạt lở")
        reply = await hoa.next_message(timeout=3)
        assert reply["text"] == "Bạn viết: Đường thôn 3 bị sạt lở"
        assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == "Gửi"
        query = hoa.tap("Gửi")
        await fake.wait_until(lambda: fake.callback_answers[query["id"]] is not None, timeout=3)
        await fake.wait_until(lambda: fake.sent_messages(hoa)[-1]["text"] == "Đã gửi phản ánh")
        assert fake.unanswered_callbacks() == []
        assert fake.sent_messages(hoa)[-1].get("reply_markup") is None
    finally:
        await dp.stop_polling()
        await polling


async def test_next_message_timeout_lists_what_came(bot: Bot, hoa: FakeUser) -> None:
    await bot.send_message(hoa.id, "Một")
    assert (await hoa.next_message())["text"] == "Một"
    with pytest.raises(AssertionError, match=r"(?s)no new bot message.*'Một'"):
        await hoa.next_message(timeout=0.05)
