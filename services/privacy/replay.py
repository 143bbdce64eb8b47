"""Erasures applied again after a restore: a backup taken before someone was erased brings
their name, phone and words back, and the ledger (services/privacy/ledger.py), which the
restore did not touch, says whom to erase again.

A resident is found again by their database id and their pseudonymous key together: an id
alone could, in another copy of the database, be someone else. A row from before the keys
existed has none in the backup; its id is then enough (ids are never reused: residents are
never deleted)."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from models import Resident
from services.privacy.erasure import erase, request_erasure
from services.privacy.ledger import ErasureLedger, LedgerEntry


def _latest(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """One entry per resident: an erasure, else the request that waited."""
    chosen: dict[tuple[int, str], LedgerEntry] = {}
    for entry in entries:
        key = (entry.resident_id, entry.key)
        if key not in chosen or (entry.erased and not chosen[key].erased):
            chosen[key] = entry
    return [chosen[key] for key in sorted(chosen)]


async def reapply(session: AsyncSession, ledger: ErasureLedger, now: datetime) -> int:
    """How many residents were erased again (or their waiting request recorded again)."""
    applied = 0
    for entry in _latest(ledger.entries()):
        resident = await session.get(Resident, entry.resident_id)
        if resident is None or resident.public_key not in (None, entry.key):
            continue  # not in this copy, or someone else
        if resident.erased_at is not None:
            continue  # erased already in the backup
        resident.public_key = entry.key
        if entry.erased:
            reason = f"{entry.reason}, again after a restore"
            await erase(session, resident, now, reason=reason, ledger=None)
        elif resident.erasure_requested_at is None:
            await request_erasure(session, resident, now, ledger=None)
        else:
            continue
        applied += 1
    return applied
