"""A case filed on the web page reaches the staff group like any other — its card, and its
photo uploaded from the data directory — and what the officer does in Telegram shows on the
resident's case page."""

import re

import httpx
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.emulator import FakeTelegram
from bot.runtime.app import BotApp
from models import Role
from tests.e2e.conftest import StaffSpec, make_commune
from tests.photos import phone_photo
from tests.web.conftest import CSRF
from web.app import build_web_app


async def test_a_web_case_reaches_the_group_with_its_photo_and_the_answer_comes_back(
    fake: FakeTelegram, bot_app: BotApp, db: AsyncSession
) -> None:
    lan = fake.add_user("Lan")
    group = fake.add_group("Tổ PAKN", members=(lan,))
    await make_commune(db, staff_chat=group.id, members=[StaffSpec(lan.id, Role.OFFICER, "Lan")])
    lan.start()
    await lan.next_message()

    web_app = await build_web_app(bot_app.ctx)
    transport = httpx.ASGITransport(app=web_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as resident:
        form = await resident.get("/x/07060")
        token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
        sent = await resident.post(
            "/x/07060",
            data={
                "csrf": token,
                "kind": "report",
                "text": "Cây đổ chắn ngang đường liên thôn sau bão",
                "consent": "yes",
            },
            files=[("files", ("IMG_1.JPG", phone_photo(), "image/jpeg"))],
        )
        assert sent.status_code == 303, sent.text
        page = sent.headers["location"].split("?")[0]
        code = re.search(r"PA\d\d-\d{4}", page).group(0)  # type: ignore[union-attr]

        card = await group.next_message(timeout=15)
        assert code in card["text"] and "Cây đổ chắn ngang" in card["text"]
        assert "Kênh tiếp nhận: Trang web" in card["text"], card["text"]
        assert "Liên hệ qua: trang web của phản ánh (trả lời hiện ở đó)" in card["text"]
        photo = await group.next_message(timeout=15)
        assert photo.get("photo"), photo  # uploaded from DATA_DIR, not a Telegram file id
        assert photo["reply_to_message"]["message_id"] == card["message_id"]

        lan.tap("✅ Tiếp nhận", chat=group)
        await fake.wait_until(
            lambda: "Đã tiếp nhận" in fake.message(group.id, card["message_id"])["text"]
        )
        lan.tap("✔️ Hoàn thành", chat=group)
        prompt = await lan.next_message()
        assert "kết quả" in prompt["text"]
        lan.send("Đã cưa và dọn cây đổ sáng 08/12.")
        assert f"Đã đóng hồ sơ {code}" in (await lan.next_message())["text"]

        answered = await resident.get(page)
        assert "UBND đã trả lời và kết thúc xử lý:" in answered.text
        assert "Đã cưa và dọn cây đổ sáng 08/12." in answered.text
