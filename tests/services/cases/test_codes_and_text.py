import pytest

from bot.ui.formatting import split_text, utf16_len
from services.cases.codes import format_code, parse_code
from services.communes.divisions import lookup_ward, normalize_code, search_wards
from services.errors import CommuneNotFound, InvalidCommuneCode, InvalidInput, InvalidTicketCode
from services.people.residents import normalize_phone
from services.text import fold


def test_code_format_grows_past_9999() -> None:
    assert format_code(2024, 42) == "PA24-0042"
    assert format_code(2025, 9999) == "PA25-9999"
    assert format_code(2025, 10000) == "PA25-10000"


@pytest.mark.parametrize("typed", ["PA24-0042", "pa24-42", "PA24 0042", " pa24–0042 "])
def test_typed_codes_are_understood(typed: str) -> None:
    assert parse_code(typed) == "PA24-0042"


@pytest.mark.parametrize("typed", ["", "PA-0042", "XY24-0042", "PA2024-1", "PA24-"])
def test_bad_codes_are_refused(typed: str) -> None:
    with pytest.raises(InvalidTicketCode):
        parse_code(typed)


def test_commune_codes() -> None:
    assert normalize_code("7060") == "07060"
    assert normalize_code("07060") == "07060"
    for bad in ("", "abc", "123456", "0", "-1"):
        with pytest.raises(InvalidCommuneCode):
            normalize_code(bad)
    ward = lookup_ward("7060")
    assert (ward.name, ward.province_name, ward.division_type) == (
        "Xã Thống Nhất",
        "Quảng Ninh",
        "xã",
    )
    with pytest.raises(CommuneNotFound):
        lookup_ward("99999")


def test_commune_search_ignores_diacritics_and_filters_by_province() -> None:
    everywhere = search_wards("thong nhat", limit=20)
    assert len(everywhere) == 5  # five "Thống Nhất" in the country
    assert [w.code for w in search_wards("THỐNG NHẤT", province_code=22)] == ["07060"]


def test_fold() -> None:
    assert fold("Đất  đai") == fold("dat dai") == "dat dai"
    assert fold("Thôn Yên Phú") == "thon yen phu"


def test_phone_numbers() -> None:
    assert normalize_phone("+84 912 345 678") == "0912345678"
    assert normalize_phone("84912345678") == "0912345678"
    assert normalize_phone("0912.345.678") == "0912345678"
    with pytest.raises(InvalidInput):
        normalize_phone("gọi tôi nhé")


def test_split_keeps_every_word_and_respects_the_limit() -> None:
    text = ("Đường thôn sạt lở nghiêm trọng 🚧. " * 400).strip()
    pieces = split_text(text, 4096)
    assert len(pieces) > 1
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_text("ngắn") == ["ngắn"]
