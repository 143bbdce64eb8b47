"""Official administrative units (post-2025: 34 provinces, 3,321 communes) from
`vietnam-provinces`; name search is ours (that release has none). The package (3 MB of
tables) is imported when a commune is first looked up, not with the bot."""

from dataclasses import dataclass
from functools import lru_cache

from models import Commune
from services.errors import CommuneNotFound, InvalidCommuneCode, ProvinceNotFound
from services.text import fold


@dataclass(frozen=True)
class WardInfo:
    code: str
    name: str
    division_type: str
    province_code: int
    province_name: str


def normalize_code(raw: str) -> str:
    """ "7060" and "07060" are the same commune; stored and shown as 5 digits."""
    code = raw.strip()
    if not code.isdigit() or len(code) > 5 or int(code) == 0:
        raise InvalidCommuneCode(raw)
    return code.zfill(5)


def lookup_ward(raw_code: str) -> WardInfo:
    from vietnam_provinces import Province, Ward

    code = normalize_code(raw_code)
    try:
        ward = Ward.from_code(int(code))  # type: ignore[arg-type]  # accepts plain ints
    except (ValueError, KeyError) as exc:
        raise CommuneNotFound(code) from exc
    province = Province.from_code(ward.province_code)
    return WardInfo(
        code=code,
        name=ward.name,
        division_type=str(ward.division_type.value),
        province_code=int(province.code),
        province_name=province.name,
    )


@lru_cache(maxsize=1)
def _folded_wards() -> tuple[tuple[str, int], ...]:
    from vietnam_provinces import Ward

    return tuple((fold(w.name), int(w.code)) for w in Ward.iter_all())


def search_wards(query: str, province_code: int | None = None, limit: int = 10) -> list[WardInfo]:
    """Communes whose name contains the query, diacritics and case ignored."""
    needle = fold(query)
    if not needle:
        return []
    found: list[WardInfo] = []
    for folded, code in _folded_wards():
        if needle in folded:
            info = lookup_ward(str(code))
            if province_code is None or info.province_code == province_code:
                found.append(info)
                if len(found) >= limit:
                    break
    return found


def province_wards(raw_code: str) -> tuple[str, list[WardInfo]]:
    """The province's name and all its communes, wards and special zones; "1", "01" and
    "001" are the same province."""
    from vietnam_provinces import Province, Ward

    code = raw_code.strip()
    if not code.isdigit() or len(code.lstrip("0")) > 2:
        raise ProvinceNotFound(code[:10])
    try:
        province = Province.from_code(int(code))  # type: ignore[arg-type]  # plain ints work
    except (ValueError, KeyError) as exc:
        raise ProvinceNotFound(str(int(code)).zfill(2)) from exc
    wards = [
        WardInfo(
            code=str(int(w.code)).zfill(5),
            name=w.name,
            division_type=str(w.division_type.value),
            province_code=int(province.code),
            province_name=province.name,
        )
        for w in Ward.iter_by_province(province.code)
    ]
    return province.name, wards


def office_name(commune: Commune) -> str:
    """ "Xã Thống Nhất" → "xã Thống Nhất", as it reads inside a sentence: after "UBND",
    "Ủy ban nhân dân", "gửi"."""
    kind = commune.division_type
    if kind and commune.name.casefold().startswith(kind.casefold() + " "):
        return kind.lower() + commune.name[len(kind) :]
    return commune.name
