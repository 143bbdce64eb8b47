"""Whatever LOG_LEVEL, the log never shows the values SQL statements carry (residents' names,
phones and words travel as parameters): not the driver's debug lines, not a database
error's text, which the error handlers log with its traceback."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models import Resident
from services.database.engine import create_engine_for, session_factory

NAME, PHONE = "Nguyễn Thị Hoa", "0912345678"


async def test_sql_parameters_never_reach_the_log(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # what LOG_LEVEL=DEBUG gives the root logger
    engine = create_engine_for(database_url)
    try:
        async with session_factory(engine)() as session:
            session.add(Resident(telegram_id=987654321, full_name=NAME, phone=PHONE))
            await session.commit()
            await session.exec(select(Resident).where(Resident.phone == PHONE))
            session.add(Resident(telegram_id=987654321, full_name=NAME, phone=PHONE))
            with pytest.raises(IntegrityError) as refused:  # an error's text, logged with it
                await session.commit()
    finally:
        await engine.dispose()
    assert [s for s in (NAME, PHONE) if s in caplog.text] == []
    assert [s for s in (NAME, PHONE) if s in str(refused.value)] == []
