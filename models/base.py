from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlalchemy import Enum as SAEnum


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """Stored as VARCHAR holding the enum's value, so adding a member needs no migration."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


TELEGRAM_ID = BigInteger
