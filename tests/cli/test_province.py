"""`pakn province add`: a whole province registered at once, as an IT person runs it."""

from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from models import Category, Commune, CommunePopulation
from services.database.engine import create_engine_for, session_factory
from tests.cli.test_main import run


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> str:
    return (
        f"sqlite:///{tmp_path}/fresh/pakn.db" if database_url.startswith("sqlite") else database_url
    )


async def _registered(url: str) -> tuple[list[Commune], Counter[int], list[CommunePopulation]]:
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            rows = list((await session.exec(select(Commune).order_by(Commune.code))).all())
            categories = Counter((await session.exec(select(Category.commune_id))).all())
            population = list((await session.exec(select(CommunePopulation))).all())
            return rows, categories, population
    finally:
        await engine.dispose()


async def test_a_province_at_once_skipping_communes_already_there(fresh_url: str) -> None:
    first = run("commune", "add", "7060", "--population", "12290", database_url=fresh_url)
    assert first.returncode == 0, first.stderr

    added = run("province", "add", "22", database_url=fresh_url)
    assert added.returncode == 0, added.stderr
    assert "Đã thêm 53 xã, phường của Quảng Ninh; 1 xã, phường đã có từ trước." in added.stdout

    again = run("province", "add", "022", database_url=fresh_url)
    assert again.returncode == 0, again.stderr
    assert "Đã thêm 0 xã, phường của Quảng Ninh; 54 xã, phường đã có từ trước." in again.stdout

    communes, categories, population = await _registered(fresh_url)
    assert len(communes) == 54 and {c.province_name for c in communes} == {"Quảng Ninh"}
    assert len({c.code for c in communes}) == 54 and all(len(c.code) == 5 for c in communes)
    assert set(categories.values()) == {8}, "every commune gets the default fields, once"
    assert [(p.population, p.commune_id) for p in population] == [
        (12290, next(c.id for c in communes if c.code == "07060"))
    ], "a commune already registered keeps its settings"
    listing = run("commune", "list", database_url=fresh_url)
    assert "07060  Xã Thống Nhất, Quảng Ninh" in listing.stdout
    village = run("village", "add", "--commune", "7060", "Thôn Yên Phú", database_url=fresh_url)
    assert village.returncode == 0, village.stderr


async def test_the_largest_province_and_a_code_without_its_leading_zero(fresh_url: str) -> None:
    thanh_hoa = run("province", "add", "38", database_url=fresh_url)
    assert thanh_hoa.returncode == 0, thanh_hoa.stderr
    assert "Đã thêm 166 xã, phường của Thanh Hóa; 0 xã" in thanh_hoa.stdout
    ha_noi = run("province", "add", "1", database_url=fresh_url)
    assert ha_noi.returncode == 0 and "Đã thêm 126 xã, phường" in ha_noi.stdout
    same = run("province", "add", "01", database_url=fresh_url)
    assert "Đã thêm 0 xã, phường" in same.stdout and "126 xã, phường đã có" in same.stdout
    communes, categories, _population = await _registered(fresh_url)
    assert len(communes) == 166 + 126 and len(categories) == len(communes)


async def test_an_unknown_province_is_one_clear_line_and_writes_nothing(fresh_url: str) -> None:
    for code in ("99", "2", "0", "1a", "123"):
        result = run("province", "add", code, database_url=fresh_url)
        assert result.returncode == 1, result
        assert "Không có tỉnh, thành phố nào mang mã" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    communes, categories, _population = await _registered(fresh_url)
    assert communes == [] and not categories
