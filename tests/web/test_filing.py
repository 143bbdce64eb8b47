"""A resident files a case from the commune's page and lands on the case's own page; a
refused form comes back as typed; forged or repeated posts change nothing."""

import re
from datetime import timedelta

from PIL import Image
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Attachment,
    AttachmentKind,
    CaseLink,
    Category,
    Channel,
    Notification,
    NotificationKind,
    Ticket,
)
from services.cases import files
from services.communes import registry as communes
from tests.e2e.conftest import make_commune
from tests.photos import phone_photo
from tests.web.conftest import Web

CASE_PAGE = re.compile(r"^/h/(PA\d\d-\d{4})/([A-Za-z0-9_-]{32,})\?moi=1$")
GOOD = {
    "kind": "report",
    "text": "Đèn đường ở ngõ 5 thôn Yên Phú bị hỏng đã một tuần",
    "name": "Nguyễn Thị Lan",
    "phone": "0912 345 678",
    "consent": "yes",
}


async def _tickets(session: AsyncSession) -> int:
    await session.rollback()  # a new snapshot: the web app wrote through its own sessions
    return (await session.exec(select(func.count()).select_from(Ticket))).one()


async def test_the_only_commune_opens_at_once_and_a_search_ignores_diacritics(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    first = await web.client.get("/")
    assert first.status_code == 303 and first.headers["location"] == "/x/07060"
    await communes.add_commune(session, "4", year=2026, population=1000)  # Phường Ba Đình
    listed = await web.client.get("/")
    assert "Xã Thống Nhất" in listed.text and "Phường Ba Đình" in listed.text
    found = await web.client.get("/", params={"q": "thong nhat"})
    assert 'href="/x/07060"' in found.text and 'href="/x/00004"' not in found.text


async def test_a_case_filed_on_the_web_gets_its_page_with_the_receipt(
    web: Web, session: AsyncSession
) -> None:
    commune = await make_commune(session, villages=["Thôn Yên Phú"])
    village_id = (await communes.list_villages(session, commune.id))[0].id
    sent = await web.post_form("/x/07060", {**GOOD, "village": str(village_id)})
    assert sent.status_code == 303, sent.text
    match = CASE_PAGE.match(sent.headers["location"])
    assert match, sent.headers["location"]
    code, token = match.groups()
    page = await web.client.get(sent.headers["location"])
    assert page.status_code == 200
    assert "Đã gửi. Hãy lưu đường dẫn này để theo dõi phản ánh" in page.text
    assert f"https://pakn.example.gov.vn/h/{code}/{token}" in page.text  # the link to keep
    assert f"<b>{code}</b>" in page.text and "Hạn trả lời" in page.text
    assert "10 ngày làm việc" in page.text, "the rule and its legal basis"
    assert "Đèn đường ở ngõ 5" in page.text and "Thôn Yên Phú" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert 'class="qr" src="data:image/svg+xml' in page.text, "a QR of the link, to scan"
    again = await web.client.get(f"/h/{code}/{token}")
    assert "Hãy lưu đường dẫn" not in again.text and 'class="qr"' not in again.text

    await session.rollback()  # a new snapshot: the web app wrote through its own sessions
    ticket = (await session.exec(select(Ticket))).one()
    assert (ticket.code, ticket.channel, ticket.contact_phone) == (code, Channel.WEB, "0912345678")
    assert ticket.village_id == village_id and ticket.text.startswith("Đèn đường")
    assert abs(ticket.received_at - web.ctx.clock.now()) < timedelta(minutes=1), "server time"
    category = await session.get(Category, ticket.category_id)
    assert category is not None and category.slug == "khac", "not sure of the field: Khác"
    kinds = (await session.exec(select(Notification.kind))).all()
    assert NotificationKind.STAFF_CARD in kinds, "staff get the card as for Telegram"
    stored = (await session.exec(select(CaseLink.token_hash))).all()
    assert stored and token not in stored, "only the token's hash is kept"


async def test_a_refused_form_comes_back_as_typed_and_files_nothing(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    typed = {"kind": "report", "text": "hỏng", "phone": "12ab", "name": "Trần Văn Bình"}
    sent = await web.post_form("/x/07060", typed)
    assert sent.status_code == 400
    page = sent.text
    assert ">hỏng</textarea>" in page and 'value="12ab"' in page and 'value="Trần Văn Bình"' in page
    assert 'value="report" checked' in page
    assert "Bạn hãy mô tả thêm vài từ (ít nhất 3 từ)." in page
    assert "Số điện thoại chưa đúng" in page
    assert "Bạn hãy đánh dấu vào ô đồng ý" in page
    assert await _tickets(session) == 0


async def test_complaints_are_explained_not_filed(web: Web, session: AsyncSession) -> None:
    await make_commune(session)
    sent = await web.post_form("/x/07060", {**GOOD, "kind": "complaint"})
    assert sent.status_code == 400
    assert "Khiếu nại và tố cáo được giải quyết theo luật riêng" in sent.text
    assert await _tickets(session) == 0


async def test_a_post_without_the_page_token_or_with_the_trap_filled_changes_nothing(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    forged = await web.client.post("/x/07060", data=GOOD)
    assert forged.status_code == 400 and "Trang đã mở quá lâu" in forged.text
    assert "Đèn đường ở ngõ 5" in forged.text, "even then, nothing typed is lost"
    robot = await web.post_form("/x/07060", {**GOOD, "website": "http://spam.example"})
    assert robot.status_code == 400
    other = await communes.add_commune(session, "4", year=2026)
    foreign = (await communes.list_categories(session, other.id))[0]
    forged_field = await web.post_form("/x/07060", {**GOOD, "category": str(foreign.id)})
    assert forged_field.status_code == 400
    assert await _tickets(session) == 0


async def test_one_phone_files_at_most_five_cases_an_hour(web: Web, session: AsyncSession) -> None:
    await make_commune(session)
    for n in range(5):
        sent = await web.post_form("/x/07060", {**GOOD, "text": f"{GOOD['text']} lần {n}"})
        assert sent.status_code == 303
    sixth = await web.post_form("/x/07060", {**GOOD, "text": f"{GOOD['text']} lần 6"})
    assert sixth.status_code == 429 and "quá nhiều lượt gửi" in sixth.text
    await session.rollback()
    count = (
        await session.exec(
            select(func.count())
            .select_from(Ticket)
            .where(col(Ticket.contact_phone) == "0912345678")
        )
    ).one()
    assert count == 5


async def test_an_unknown_commune_is_a_plain_not_found_page(web: Web) -> None:
    for path in ("/x/99999", "/x/abc", "/h/PA26-0001/not-a-token"):
        page = await web.client.get(path)
        assert page.status_code == 404 and "Không tìm thấy trang" in page.text


async def test_photos_come_with_the_case_without_their_metadata(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    photo = phone_photo()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    sent = await web.post_form(
        "/x/07060",
        GOOD,
        files=[
            ("files", ("IMG_2041.JPG", photo, "image/jpeg")),
            ("files", ("so-do.pdf", pdf, "application/pdf")),
        ],
    )
    assert sent.status_code == 303, sent.text
    page = await web.client.get(sent.headers["location"])
    assert "2 tệp" in page.text
    await session.rollback()
    attachments = (await session.exec(select(Attachment).order_by(col(Attachment.id)))).all()
    assert [(a.kind, a.channel, a.file_name) for a in attachments] == [
        (AttachmentKind.PHOTO, Channel.WEB, "IMG_2041.JPG"),
        (AttachmentKind.DOCUMENT, Channel.WEB, "so-do.pdf"),
    ]
    kept = files.stored_path(web.ctx.settings.files_dir, attachments[0].file_ref)
    assert kept is not None and kept.is_file()
    assert dict(Image.open(kept).getexif()) == {}, "the phone's GPS position is not kept"
    assert b"PhoneMaker" not in kept.read_bytes()


async def test_a_program_renamed_jpg_is_refused_by_name_and_nothing_is_kept(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    sent = await web.post_form(
        "/x/07060",
        GOOD,
        files=[("files", ("anh-hien-truong.jpg", b"MZ\x90\x00" + b"\0" * 300, "image/jpeg"))],
    )
    assert sent.status_code == 400
    assert "“anh-hien-truong.jpg”" in sent.text and "Đèn đường ở ngõ 5" in sent.text
    assert await _tickets(session) == 0
    assert not (web.ctx.settings.files_dir / "files").exists(), "nothing written to disk"


async def test_the_same_words_sent_again_show_the_case_already_filed(
    web: Web, session: AsyncSession
) -> None:
    await make_commune(session)
    first = await web.post_form("/x/07060", GOOD)
    again = await web.post_form("/x/07060", {**GOOD, "text": GOOD["text"].upper() + "  "})
    assert again.status_code == 303 and again.headers["location"] == first.headers["location"]
    assert await _tickets(session) == 1, "a double tap files once"
    other = await web.post_form("/x/07060", {**GOOD, "text": "Cống thoát nước ngõ 3 bị tắc"})
    assert other.status_code == 303 and other.headers["location"] != first.headers["location"]
    assert await _tickets(session) == 2
