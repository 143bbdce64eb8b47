"""Registering and configuring communes, their villages and categories."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Commune, CommunePopulation, Village
from services.communes.divisions import WardInfo, lookup_ward, normalize_code
from services.errors import CommuneExists, CommuneNotFound, InvalidInput, VillageExists
from services.text import fold, nfc

DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("dat_dai", "Đất đai"),
    ("xay_dung", "Xây dựng"),
    ("moi_truong", "Môi trường"),
    ("giao_thong", "Giao thông"),
    ("an_ninh_trat_tu", "An ninh trật tự"),
    ("thu_tuc_hanh_chinh", "Thủ tục hành chính"),
    ("chinh_sach_xa_hoi", "Chính sách xã hội"),
    ("khac", "Khác"),
)
OTHER_CATEGORY = "khac"


async def get_commune(session: AsyncSession, raw_code: str) -> Commune:
    code = normalize_code(raw_code)
    commune = (await session.exec(select(Commune).where(Commune.code == code))).first()
    if commune is None:
        raise CommuneNotFound(code)
    return commune


async def list_communes(session: AsyncSession) -> Sequence[Commune]:
    return (await session.exec(select(Commune).order_by(col(Commune.code)))).all()


def commune_row(info: WardInfo) -> Commune:
    return Commune(
        code=info.code,
        name=info.name,
        division_type=info.division_type,
        province_code=info.province_code,
        province_name=info.province_name,
    )


def default_categories(commune_id: int) -> list[Category]:
    return [
        Category(commune_id=commune_id, slug=slug, name=name, position=position)
        for position, (slug, name) in enumerate(DEFAULT_CATEGORIES)
    ]


def _check_count(value: int | None, what: str) -> None:
    if value is not None and value <= 0:
        raise InvalidInput(f"{what} must be a positive number")


async def add_commune(
    session: AsyncSession,
    raw_code: str,
    *,
    year: int,
    population: int | None = None,
    households: int | None = None,
) -> Commune:
    info = lookup_ward(raw_code)
    _check_count(population, "population")
    _check_count(households, "households")
    existing = (await session.exec(select(Commune).where(Commune.code == info.code))).first()
    if existing is not None:
        raise CommuneExists(info.code)
    commune = commune_row(info)
    session.add(commune)
    await session.flush()
    assert commune.id is not None
    session.add_all(default_categories(commune.id))
    if population is not None or households is not None:
        session.add(
            CommunePopulation(
                commune_id=commune.id, year=year, population=population, households=households
            )
        )
    await session.commit()
    return commune


async def set_population(
    session: AsyncSession,
    commune: Commune,
    *,
    year: int,
    population: int | None = None,
    households: int | None = None,
) -> CommunePopulation:
    _check_count(population, "population")
    _check_count(households, "households")
    row = (
        await session.exec(
            select(CommunePopulation).where(
                CommunePopulation.commune_id == commune.id, CommunePopulation.year == year
            )
        )
    ).first()
    if row is None:
        assert commune.id is not None
        row = CommunePopulation(commune_id=commune.id, year=year)
    if population is not None:
        row.population = population
    if households is not None:
        row.households = households
    session.add(row)
    await session.commit()
    return row


async def population_for_year(
    session: AsyncSession, commune_id: int, year: int
) -> CommunePopulation | None:
    """The year's figure, or the latest earlier one when that year was not entered."""
    return (
        await session.exec(
            select(CommunePopulation)
            .where(CommunePopulation.commune_id == commune_id, CommunePopulation.year <= year)
            .order_by(col(CommunePopulation.year).desc())
        )
    ).first()


def month_day(raw: str) -> str:
    """ "12-15" → "12-15", "1-1" → "01-01": a day every year has (29/02 is not one)."""
    try:
        month, day = (int(part) for part in raw.strip().split("-"))
        date(2023, month, day)  # not a leap year
    except ValueError as exc:
        raise InvalidInput(f"{raw!r}: use MM-DD, e.g. 12-15") from exc
    return f"{month:02d}-{day:02d}"


async def update_commune(
    session: AsyncSession,
    commune: Commune,
    *,
    staff_chat_id: int | None = None,
    address: str | None = None,
    reception_schedule: str | None = None,
    report_year_start: str | None = None,
) -> Commune:
    """`report_year_start`: MM-DD the annual period starts (some sectors count 15/12 to
    14/12); checked before anything changes."""
    year_start = month_day(report_year_start) if report_year_start is not None else None
    if staff_chat_id is not None:
        commune.staff_chat_id = staff_chat_id
    if address is not None:
        commune.address = nfc(address.strip()) or None
    if reception_schedule is not None:
        commune.reception_schedule = nfc(reception_schedule.strip()) or None
    if year_start is not None:
        commune.report_year_start = year_start
    session.add(commune)
    await session.commit()
    return commune


async def add_village(session: AsyncSession, commune: Commune, raw_name: str) -> Village:
    name = nfc(" ".join(raw_name.split()))
    if not name or len(name) > 120:
        raise InvalidInput("a village name has 1 to 120 characters")
    for village in await list_villages(session, commune.id, include_inactive=True):
        if fold(village.name) == fold(name):
            raise VillageExists(village.name)
    assert commune.id is not None
    village = Village(commune_id=commune.id, name=name)
    session.add(village)
    await session.commit()
    return village


async def list_villages(
    session: AsyncSession, commune_id: int | None, *, include_inactive: bool = False
) -> Sequence[Village]:
    query = select(Village).where(Village.commune_id == commune_id)
    if not include_inactive:
        query = query.where(col(Village.active).is_(True))
    return (await session.exec(query.order_by(col(Village.name)))).all()


_ACTIVE_CATEGORIES = (  # built once: every case filed asks
    select(Category)
    .where(Category.commune_id == bindparam("commune_id"), col(Category.active).is_(True))
    .order_by(col(Category.position), col(Category.id))
)


async def list_categories(session: AsyncSession, commune_id: int | None) -> Sequence[Category]:
    return (await session.exec(_ACTIVE_CATEGORIES, params={"commune_id": commune_id})).all()


async def other_category(session: AsyncSession, commune_id: int | None) -> int | None:
    """The commune's "Khác": where a case goes when its sender is not sure of the field."""
    categories = await list_categories(session, commune_id)
    return next((c.id for c in categories if c.slug == OTHER_CATEGORY), None)
