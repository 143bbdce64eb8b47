"""A SQLite database of many cases for the benchmarks (not a test): a few communes of
Thành phố Hồ Chí Minh registered through the services, then cases received over the two
years up to yesterday written straight through the driver, with their events, as
`bench.report_annual` writes them: most answered and closed, some rated, some withdrawn or
merged, the recent ones and a few stalled ones still open. The web channel's cases get a
link to their page (`CaseLink`): the token is made as `services.cases.links` makes it, only
its hash is stored, and the plaintext is kept beside the database for the benchmarks.

    .venv/bin/python -m bench.bulk_cases                    # 100,000 cases, ~20 s the first time
    .venv/bin/python -m bench.bulk_cases --cases 20000 --rebuild

The database is built once per (cases, communes, seed, day, migrations) in the temporary
directory (`pakn-bench-cases/`); each benchmark copies it (`fresh_copy`) so what a run
writes (filings, reminders marked as sent) never reaches the next run."""

import argparse
import asyncio
import hashlib
import json
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bench.report_annual import (
    EVENT_COLUMNS,
    TICKET_COLUMNS,
    VN,
    Generator,
    Loader,
    Place,
    register,
)
from services.cases.links import new_link
from services.database.migrations import MIGRATIONS_DIR, upgrade_database

VERSION = 1  # bump when what is generated changes: older cached databases are not used
YEARS = 2
CACHE = Path(tempfile.gettempdir()) / "pakn-bench-cases"
CHANNEL = TICKET_COLUMNS.index("channel")
CODE = TICKET_COLUMNS.index("code")
STATUS = TICKET_COLUMNS.index("status")
RECEIVED = TICKET_COLUMNS.index("received_at")


@dataclass(frozen=True)
class CaseDatabase:
    path: Path  # the cached database: copy it before writing (`fresh_copy`)
    links: list[tuple[str, str, str]]  # (code, token, status) of every case with a page
    commune_codes: list[str]  # the communes' five-digit codes, the busiest first

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def fresh_copy(self, directory: Path) -> str:
        """A copy in `directory` for one run; its URL."""
        copy = directory / "pakn.db"
        shutil.copyfile(self.path, copy)
        return f"sqlite:///{copy}"


def _migrations_key() -> str:
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def _per_day(cases: int, first: date, last: date) -> Iterator[tuple[date, int]]:
    """Cases a local day: weekdays busier than weekends, a tenth more each year."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    weights = [(1.0 if d.weekday() < 5 else 0.45) * (1 + 0.1 * i / 365) for i, d in enumerate(days)]
    total = sum(weights)
    made = 0
    for i, (day, weight) in enumerate(zip(days, weights, strict=True)):
        n = int(cases * weight / total) if i < len(days) - 1 else cases - made
        made += n
        yield day, n


def _residents(places: list[Place], cases: int, now: datetime) -> list[tuple[Any, ...]]:
    """A pool per commune, one resident for about every 2.5 cases, each with a phone."""
    total_weight = sum(p.weight for p in places)
    rows: list[tuple[Any, ...]] = []
    next_id = 1
    for place in places:
        size = max(5, int(cases * place.weight / total_weight / 2.5))
        place.residents = range(next_id, next_id + size)
        for rid in place.residents:
            phone = f"09{rid:08d}"
            rows.append((rid, f"Người dân {rid}", phone, "vi", place.id, now, now))
        next_id += size
    return rows


def build(path: Path, cases: int, communes: int, seed: int) -> list[tuple[str, str, str]]:
    """Builds the database at `path`; returns its case links (code, token, status)."""
    rng = random.Random(seed)
    url = f"sqlite:///{path}"
    now = datetime.now(UTC).replace(microsecond=0)
    last = now.astimezone(VN).date() - timedelta(days=1)
    first = last - timedelta(days=365 * YEARS)
    started = time.monotonic()
    upgrade_database(url)  # as every entry point does
    places = asyncio.run(register(url, communes, rng))
    loader = Loader(url)
    loader.insert(
        "resident",
        ("id", "full_name", "phone", "language", "commune_id", "consent_at", "created_at"),
        _residents(places, cases, now),
    )
    generator = Generator(places, rng, now=now)
    links: list[tuple[str, str, str]] = []
    batch: list[tuple[Any, ...]] = []
    for day, count in _per_day(cases, first, last):
        batch.extend(generator.day(day, count))
        if len(batch) >= 20_000 or day == last:
            link_rows = []
            for row in batch:
                if row[CHANNEL] == "web":
                    link = new_link()
                    link_rows.append((row[0], link.token_hash, row[RECEIVED]))
                    links.append((row[CODE], link.token, row[STATUS]))
            loader.insert("ticket", TICKET_COLUMNS, batch)
            loader.insert("caselink", ("ticket_id", "token_hash", "created_at"), link_rows)
            batch = []
            end_of_day = datetime.combine(day + timedelta(days=1), clock_time(0), tzinfo=VN)
            loader.insert("ticketevent", EVENT_COLUMNS, generator.due_events(end_of_day))
    loader.insert("ticketevent", EVENT_COLUMNS, generator.due_events(now + timedelta(days=1)))
    sequences = [(p.id, year, n) for p in places for year, n in sorted(p.seq.items())]
    loader.insert("ticketsequence", ("commune_id", "year", "last_seq"), sequences)
    loader.finish()
    print(
        f"built {generator.next_id - 1:,} cases ({first} to {last}) in {len(places)} communes, "
        f"{len(links):,} with a page, in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return links


def case_database(
    cases: int = 100_000, communes: int = 4, seed: int = 2026, rebuild: bool = False
) -> CaseDatabase:
    """The cached database of `cases` cases, built if missing (or `rebuild`)."""
    CACHE.mkdir(exist_ok=True)
    today = datetime.now(VN).date()  # the cases run up to yesterday: a new day, a new build
    stem = CACHE / f"cases-{cases}-{communes}-{seed}-{today}-{_migrations_key()}-v{VERSION}"
    path, index = stem.with_suffix(".db"), stem.with_suffix(".json")
    if rebuild or not (path.exists() and index.exists()):
        path.unlink(missing_ok=True)
        links = build(path, cases, communes, seed)
        codes = _commune_codes(path)
        index.write_text(json.dumps({"links": links, "communes": codes}))
    else:
        print(f"using the database built before: {path}", flush=True)
    saved = json.loads(index.read_text())
    return CaseDatabase(path, [tuple(x) for x in saved["links"]], saved["communes"])


def _commune_codes(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT c.code FROM commune c JOIN ticket t ON t.commune_id = c.id"
            " GROUP BY c.id ORDER BY count(*) DESC"
        ).fetchall()
    return [code for (code,) in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--communes", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    built = case_database(args.cases, args.communes, rebuild=args.rebuild)
    print(
        f"{built.path}: {len(built.links):,} case pages, communes {', '.join(built.commune_codes)}"
    )


if __name__ == "__main__":
    main()
