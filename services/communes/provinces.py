"""Registering every commune of a province at once, for a deployment that serves a whole
province (since 2025 up to 166 communes, wards and special zones in one)."""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune
from services.communes.divisions import province_wards
from services.communes.registry import commune_row, default_categories


@dataclass(frozen=True)
class ProvinceAdded:
    province_name: str
    added: int
    skipped: int  # already registered, left as they were


async def add_province(session: AsyncSession, raw_code: str) -> ProvinceAdded:
    """Each commune not registered yet, with the default categories, in one transaction:
    communes already there keep their settings. An unknown province raises
    ProvinceNotFound before anything is written."""
    province_name, wards = province_wards(raw_code)
    codes = [w.code for w in wards]
    existing = set(
        (await session.exec(select(Commune.code).where(col(Commune.code).in_(codes)))).all()
    )
    rows = [commune_row(w) for w in wards if w.code not in existing]
    session.add_all(rows)
    await session.flush()
    for commune in rows:
        assert commune.id is not None
        session.add_all(default_categories(commune.id))
    await session.commit()
    return ProvinceAdded(province_name, added=len(rows), skipped=len(existing))
