"""A resident finds their commune among those registered by typing its name: diacritics and
case ignored, the closest names first, so a deployment serving a whole province (166
communes) still puts "Sầm Sơn" above "Nam Sầm Sơn" and never sends a wall of buttons."""

from collections.abc import Sequence
from dataclasses import dataclass

from models import Commune
from services.text import fold

TYPE_WORDS = ("xa ", "phuong ", "dac khu ")


@dataclass(frozen=True)
class CommuneMatches:
    shown: list[Commune]
    total: int  # all that match; more than shown when the name was too short to tell


def _bare(folded_name: str) -> str:
    """ "xa thong nhat" → "thong nhat": what people type first."""
    for word in TYPE_WORDS:
        if folded_name.startswith(word):
            return folded_name[len(word) :]
    return folded_name


def _has_words(text: str, words: str) -> bool:
    """The words at the start of a word of the text: "son" in "dong son", not "hac" in
    "thach"."""
    return f" {words}" in f" {text}"


def _rank(needle: str, words: list[str], commune: Commune) -> int | None:
    """0 the very name, 1 a name that starts so, 2 the words inside a name, 3 the words
    spread over name and province ("thong nhat quang ninh"); None: no match."""
    name = fold(commune.name)
    bare = _bare(name)
    if needle in (name, bare):
        return 0
    if bare.startswith(needle):
        return 1
    if _has_words(name, needle):
        return 2
    province = fold(commune.province_name)
    in_name = [w for w in words if _has_words(name, w)]
    if in_name and all(w in in_name or _has_words(province, w) for w in words):
        return 3
    return None


def match_communes(registered: Sequence[Commune], query: str, limit: int) -> CommuneMatches:
    needle = fold(query)
    if not needle:
        return CommuneMatches([], 0)
    words = needle.split()
    ranked = [
        (rank, fold(c.name), fold(c.province_name), c)
        for c in registered
        if (rank := _rank(needle, words, c)) is not None
    ]
    ranked.sort(key=lambda item: item[:3])
    return CommuneMatches([item[3] for item in ranked[:limit]], len(ranked))
