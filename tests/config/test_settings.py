import pytest
from sqlalchemy.engine import make_url

from config.settings import ConfigError, Settings, load_settings
from services.database.engine import async_url, sync_url


def test_token_is_required_with_one_clear_line() -> None:
    with pytest.raises(ConfigError) as missing:
        Settings(bot_token=None).require_token()
    assert "BOT_TOKEN" in str(missing.value) and "\n" not in str(missing.value)
    with pytest.raises(ConfigError) as malformed:
        Settings(bot_token="not-a-token").require_token()  # type: ignore[arg-type]
    assert "BotFather" in str(malformed.value)
    good = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"
    assert Settings(bot_token=good).require_token() == good  # type: ignore[arg-type]


def test_the_token_never_shows_in_the_settings_repr() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_"
    assert token not in repr(Settings(bot_token=token))  # type: ignore[arg-type]


def test_database_urls_get_the_async_driver() -> None:
    assert str(async_url("sqlite:///data/x.db")) == "sqlite+aiosqlite:///data/x.db"
    assert str(sync_url("sqlite:///data/x.db")) == "sqlite:///data/x.db"
    pg = async_url("postgresql://u:p@db:5432/pakn")
    assert pg.drivername == "postgresql+psycopg" and pg.database == "pakn"
    assert async_url("postgres://u@db/pakn").drivername == "postgresql+psycopg"
    assert make_url(str(sync_url("postgresql+asyncpg://u@db/pakn"))).drivername == (
        "postgresql+psycopg"
    )


def test_bad_settings_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x/y")
    with pytest.raises(ConfigError) as bad_url:
        load_settings()
    assert str(bad_url.value).startswith("DATABASE_URL")
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("TIMEZONE", "Mars/Base")
    with pytest.raises(ConfigError) as bad_tz:
        load_settings()
    assert str(bad_tz.value).startswith("TIMEZONE")
