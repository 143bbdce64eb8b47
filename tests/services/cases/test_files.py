"""Files residents send on the web: photos kept as clean JPEGs (turned upright, no GPS or
other metadata), iPhone HEIC too, PDFs as sent; bombs, programs renamed .jpg, oversized
files and too many files refused by name; kept files nobody names any more swept away."""

import struct
import zlib
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Attachment, AttachmentKind, Channel, Kind, Resident
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases import files, tickets
from tests.e2e.conftest import make_commune
from tests.photos import phone_photo

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_phone_photo_is_kept_upright_without_its_metadata() -> None:
    kept = files.clean(phone_photo(), "IMG_2041.JPG")
    assert (kept.kind, kept.suffix, kept.name) == (AttachmentKind.PHOTO, ".jpg", "IMG_2041.JPG")
    image = Image.open(BytesIO(kept.data))
    assert image.format == "JPEG"
    assert image.size == (20, 40), "turned as the phone meant it"
    assert dict(image.getexif()) == {}, "no GPS, no maker, nothing"
    assert b"PhoneMaker" not in kept.data


def test_an_iphone_heic_photo_becomes_a_jpeg() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    heif = pillow_heif.from_pillow(Image.new("RGB", (64, 48), "blue"))
    out = BytesIO()
    heif.save(out, quality=60)
    kept = files.clean(out.getvalue(), "IMG_0001.HEIC")
    assert Image.open(BytesIO(kept.data)).format == "JPEG" and kept.suffix == ".jpg"


def test_a_pdf_is_kept_as_sent() -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    kept = files.clean(pdf, "don-de-nghi.pdf")
    assert (kept.kind, kept.data, kept.suffix) == (AttachmentKind.DOCUMENT, pdf, ".pdf")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"MZ\x90\x00" + b"\0" * 200, "anh-hien-truong.jpg", "not_allowed"),  # a program
        (_png_claiming(30_000, 30_000), "bom.png", "not_allowed"),  # 900 megapixels
        (b"\xff\xd8\xff\xe0" + b"\0" * 50, "hong.jpg", "not_allowed"),  # a torn JPEG
        (b"%PDF-" + b"x" * (files.MAX_BYTES + 1), "lon.pdf", "too_big"),
    ],
)
def test_what_is_not_a_photo_or_a_pdf_is_refused_by_name(
    data: bytes, name: str, reason: str
) -> None:
    with pytest.raises(files.FileRefused) as refused:
        files.clean(data, name)
    assert refused.value.args == (reason, name)


def test_at_most_ten_files() -> None:
    with pytest.raises(files.FileRefused) as refused:
        files.clean_all([(phone_photo(), f"{n}.jpg") for n in range(11)])
    assert refused.value.args[0] == "too_many"


def test_a_reference_never_leaves_the_data_directory(tmp_path: Path) -> None:
    ref = files.store(tmp_path, files.clean(phone_photo(), "a.jpg"), NOW)
    assert ref.startswith("file:files/2026/12/") and ref.endswith(".jpg")
    path = files.stored_path(tmp_path, ref)
    assert path is not None and path.is_file()
    for forged in (
        "file:../../etc/passwd",
        "file:files/../../x",
        "AgACAgIAAxkBAAI",
        "file:/etc/passwd",
    ):
        assert files.stored_path(tmp_path, forged) is None


async def test_files_no_case_names_are_swept_after_an_hour(
    session: AsyncSession, tmp_path: Path
) -> None:
    commune = await make_commune(session)
    resident = Resident(full_name="Lan")
    session.add(resident)
    await session.flush()
    photo = files.clean(phone_photo(), "a.jpg")
    named = files.store(tmp_path, photo, NOW)
    orphan = files.store(tmp_path, photo, NOW)
    draft = tickets.TicketDraft(
        kind=Kind.REPORT,
        category_id=None,
        text="Rác thải đổ ở bờ kênh thôn Đông",
        received_at=NOW,
        channel=Channel.WEB,
        attachments=[tickets.AttachmentDraft(kind=AttachmentKind.PHOTO, file_ref=named)],
    )
    policy = DeadlinePolicy(WorkingCalendar(), ZoneInfo("Asia/Ho_Chi_Minh"))
    await tickets.submit_ticket(
        session, commune=commune, resident=resident, draft=draft, policy=policy, now=NOW
    )
    young = datetime.now(UTC)
    assert await files.sweep(session, tmp_path, young) == 0, "an hour's grace"
    later = young + timedelta(hours=2)
    assert await files.sweep(session, tmp_path, later) == 1
    assert files.stored_path(tmp_path, named).is_file()  # type: ignore[union-attr]
    assert not files.stored_path(tmp_path, orphan).is_file()  # type: ignore[union-attr]
    assert len((await session.exec(select(Attachment))).all()) == 1
