"""The erasure ledger: every erasure written down outside the database, so that a backup
restored from before it has it applied again (services/privacy/replay.py, `pakn db restore`).

A line per erasure: when, why ("request", "retention", or "waiting" for a request that waits
for open cases), the resident's database id and their pseudonymous key (Resident.public_key).
Nothing that names or reaches the person: no name, phone, Telegram id or text. Lines are
appended with one write each (O_APPEND), so the processes sharing the file never mix them."""

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HEADER = (
    "# Hòm thư số: erasures to apply again after a restore (README, Personal data).\n"
    "# time, reason, resident id, resident key. No personal data.\n"
)
REASONS = ("request", "retention", "waiting")  # "waiting": asked, open cases still need it


@dataclass(frozen=True)
class LedgerEntry:
    at: datetime
    reason: str
    resident_id: int
    key: str

    @property
    def erased(self) -> bool:
        return self.reason != "waiting"

    def line(self) -> str:
        return f"{self.at.isoformat()} {self.reason} {self.resident_id} {self.key}\n"


def _parse(line: str) -> LedgerEntry | None:
    parts = line.split()
    if len(parts) != 4 or line.startswith("#"):
        return None
    at, reason, resident_id, key = parts
    if reason not in REASONS or not resident_id.isdigit() or not key.isalnum():
        return None
    try:
        return LedgerEntry(datetime.fromisoformat(at), reason, int(resident_id), key)
    except ValueError:
        return None


@dataclass(frozen=True)
class ErasureLedger:
    path: Path

    def record(self, entry: LedgerEntry) -> None:
        """Appended and flushed to the disk before the erasure is committed: an erasure the
        database has is always in the ledger (a failed commit leaves a line that a later
        restore applies to someone who asked for it anyway)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            text = entry.line()
            if os.fstat(fd).st_size == 0:
                text = HEADER + text
            os.write(fd, text.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self) -> list[LedgerEntry]:
        """In the order written; lines that are not entries are skipped."""
        if not self.path.is_file():
            return []
        with self.path.open(encoding="utf-8", errors="replace") as lines:
            return [e for e in map(_parse, lines) if e is not None]
