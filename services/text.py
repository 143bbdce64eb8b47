"""Vietnamese-aware text matching: NFC-normalised, case- and diacritic-insensitive."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """ "Đất đai" and "dat dai" fold to the same string."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()


def nfc(text: str) -> str:
    """NFC, without NUL: nobody types it, and PostgreSQL's text cannot hold it."""
    return unicodedata.normalize("NFC", text).replace("\x00", "")
