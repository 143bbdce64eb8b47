"""Vietnamese-aware text matching: NFC-normalised, case- and diacritic-insensitive."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """ "Đất đai" and "dat dai" fold to the same string."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()


# Bidi controls (embeddings, overrides, isolates, marks) and zero-width characters: nobody
# needs them in Vietnamese, and in a name or a text they can make a card read otherwise than
# it is written ("‮gnp.exe"), or hide a word from a search.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """Without bidi controls and zero-width characters; Vietnamese diacritics untouched."""
    return _INVISIBLE.sub("", text)


def nfc(text: str) -> str:
    """NFC, without NUL (nobody types it, and PostgreSQL's text cannot hold it) and without
    the invisible characters `visible` drops."""
    return visible(unicodedata.normalize("NFC", text).replace("\x00", ""))
