"""Photos and files residents send without a chat app (the web): checked, cleaned and kept
under the data directory with generated names. A photo is decoded and encoded again as
JPEG — the orientation applied first, every metadata field (the phone's GPS position, its
serial number) left behind — so nothing but pixels is kept; HEIC from iPhones too. A PDF is
kept as sent. Anything else, a decompression bomb, or a program renamed .jpg is refused
with its name, and nothing is stored.

Attachments refer to a kept file as "file:<path under the data directory>"; Telegram's own
files keep their file ids."""

import asyncio
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Attachment, AttachmentKind
from services.errors import InvalidInput

MAX_FILES = 10
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel photo; a bomb claims far more
MAX_SIDE = 2560  # longer photos are scaled down: staff read them on a phone or a PC
JPEG_QUALITY = 85
PREFIX = "file:"


class FileRefused(InvalidInput):
    """args: (reason, the file's name as sent): reason is too_big, too_many, not_allowed."""


@dataclass(frozen=True)
class CleanFile:
    kind: AttachmentKind
    data: bytes
    suffix: str  # ".jpg" or ".pdf"
    name: str  # as the resident's device named it, for staff


def _photo(data: bytes, name: str) -> CleanFile | None:
    # Pillow only here: the bot's process, which sends these files on, never decodes one
    from PIL import Image, ImageOps, UnidentifiedImageError
    from pillow_heif import register_heif_opener

    register_heif_opener()  # iPhones send HEIC; registering again is harmless
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise FileRefused("not_allowed", name)
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except (OSError, SyntaxError, ValueError):  # truncated or corrupt
        raise FileRefused("not_allowed", name) from None
    image = image.convert("RGB")  # drops transparency and palettes; JPEG has neither
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY)  # no exif= : none kept
    return CleanFile(AttachmentKind.PHOTO, out.getvalue(), ".jpg", name)


def _pdf(data: bytes, name: str) -> CleanFile | None:
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return CleanFile(AttachmentKind.DOCUMENT, data, ".pdf", name)
    return None


def clean(data: bytes, name: str) -> CleanFile:
    """The file as it will be kept, or FileRefused. Blocks for a photo's decoding: call it
    in a thread."""
    name = Path(name or "").name[:200] or "file"
    if len(data) > MAX_BYTES:
        raise FileRefused("too_big", name)
    found = _pdf(data, name) or _photo(data, name)
    if found is None:
        raise FileRefused("not_allowed", name)
    return found


def clean_all(files: list[tuple[bytes, str]]) -> list[CleanFile]:
    if len(files) > MAX_FILES:
        raise FileRefused("too_many", "")
    return [clean(data, name) for data, name in files]


def store(data_dir: Path, file: CleanFile, now: datetime) -> str:
    """Writes the file under data_dir/files/<year>/<month>/ with a random name; returns its
    reference. Blocks: call it in a thread."""
    relative = Path("files", f"{now:%Y}", f"{now:%m}", secrets.token_urlsafe(18) + file.suffix)
    target = data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(file.data)
    return PREFIX + relative.as_posix()


def stored_path(data_dir: Path, ref: str) -> Path | None:
    """The kept file a reference names, or None for a reference that is not one of ours (a
    Telegram file id) or that would leave the data directory."""
    if not ref.startswith(PREFIX):
        return None
    root = data_dir.resolve()
    path = (root / ref.removeprefix(PREFIX)).resolve()
    return path if path.is_relative_to(root / "files") else None


def _kept_since(data_dir: Path, before: datetime) -> list[tuple[str, Path]]:
    root = data_dir / "files"
    if not root.is_dir():
        return []
    cutoff = before.timestamp()
    return [
        (PREFIX + path.relative_to(data_dir).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and path.stat().st_mtime < cutoff
    ]


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def sweep(
    session: AsyncSession, data_dir: Path, now: datetime, grace: timedelta = timedelta(hours=1)
) -> int:
    """Deletes kept files that no attachment names any more: those of an erased resident
    (erasure deletes the rows) and those of a filing that failed after they were kept.
    Files younger than `grace` stay: their case may still be being written."""
    kept = await asyncio.to_thread(_kept_since, data_dir, now - grace)
    named: set[str] = set()
    for start in range(0, len(kept), 500):
        refs = [ref for ref, _path in kept[start : start + 500]]
        found = await session.exec(
            select(Attachment.file_ref).where(col(Attachment.file_ref).in_(refs))
        )
        named.update(found.all())
    gone = [path for ref, path in kept if ref not in named]
    await asyncio.to_thread(_unlink, gone)
    return len(gone)
