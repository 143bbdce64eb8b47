"""Settings from the environment and `.env`. Secrets never appear in their repr."""

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_PATTERN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
DEFAULT_DATABASE_URL = "sqlite:///data/homthuso.db"
LEDGER_NAME = "erasures.ledger"


class ConfigError(Exception):
    """A setting that stops the program; the message is one line saying what to do."""


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def _check_public_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", url):
        raise ValueError("must be the address residents open, e.g. https://pakn.example.gov.vn")
    return url


def _check_database_url(url: str) -> str:
    from services.database.engine import DatabaseUrlError, async_url

    try:
        async_url(url)
    except DatabaseUrlError as exc:
        raise ValueError(str(exc)) from exc
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    database_url: Annotated[str, AfterValidator(_check_database_url)] = DEFAULT_DATABASE_URL
    bot_api_url: str | None = Field(default=None, description="self-hosted Bot API server")
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    scheduler_lease_seconds: float = Field(default=60, gt=0.5, le=3600)
    # personal data of residents with no open case is made anonymous after this many years
    retention_years: int = Field(default=5, ge=1, le=50)
    # e-mail for reports to the superior level (optional; Telegram works without it)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = Field(default=None, description="the sender, e.g. UBND xã <ubnd@…>")
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=600)
    # webhook mode (python -m bot --webhook); long polling is the default
    webhook_url: str | None = Field(default=None, description="public https URL Telegram posts to")
    webhook_secret: SecretStr | None = None  # X-Telegram-Bot-Api-Secret-Token
    # the bot's own webhook server: only without the web role, whose server takes the path
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, gt=0, lt=65536)
    # /metrics on a local port in polling mode without the web role (0: off); the web server
    # and the bot's webhook server serve /metrics themselves
    metrics_port: int = Field(default=0, ge=0, lt=65536)
    metrics_host: str = "127.0.0.1"
    # conversation state in Redis instead of the database when set
    redis_url: str | None = None
    # nightly SQLite backup (pakn db backup); none when BACKUP_DIR is unset
    backup_dir: str | None = None
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_time: str = Field(default="01:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # a resident who sends more than this many messages a minute is slowed down
    resident_messages_per_minute: int = Field(default=20, ge=1, le=600)
    # commands one staff member may send in the staff group a minute (handlers/gate.py)
    staff_group_commands_per_minute: int = Field(default=10, ge=1, le=600)
    # the web channel: residents' pages (and, later, the staff desk) on one public server
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=0, lt=65536)  # 0: any free port (tests)
    public_url: Annotated[str, AfterValidator(_check_public_url)] = "http://127.0.0.1:8000"
    # proxies (nginx) whose X-Forwarded-For names the resident's address, comma-separated
    trusted_proxies: str = ""
    # origins that may show the form in a frame (a commune portal), space-separated
    web_embed_origins: str = ""
    # files residents send on the web live under DATA_DIR/files (back it up with the database)
    data_dir: str = "data"
    # erasures written down outside the database (resident ids and pseudonymous keys only),
    # so a restored backup older than an erasure has it applied again (DATA_DIR/erasures.ledger)
    erasure_ledger: str | None = None
    # push services a resident's browser may name for Web Push (space-separated origins, "*."
    # for any subdomain): the server posts there, so no other address is accepted
    web_push_services: str = (
        "https://fcm.googleapis.com https://*.push.services.mozilla.com"
        " https://*.notify.windows.com https://web.push.apple.com"
    )
    # who the push services may write to about this server (VAPID "sub"): mailto: or https:
    web_push_contact: str | None = Field(default=None, pattern=r"^(mailto:\S+@\S+|https://\S+)$")
    # SMS to residents who gave a phone: "log" (written to the log: no provider yet), "off",
    # or a provider's adapter as "package.module:factory" (news.sms)
    sms_provider: str = "log"
    # the bot's @username, for links and posters without asking Telegram
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")

    @property
    def telegram_on(self) -> bool:
        return self.bot_token is not None and bool(self.bot_token.get_secret_value().strip())

    @property
    def files_dir(self) -> Path:
        return Path(self.data_dir)

    @property
    def erasure_ledger_path(self) -> Path:
        return (
            Path(self.erasure_ledger) if self.erasure_ledger else Path(self.data_dir) / LEDGER_NAME
        )

    @property
    def proxies(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    @property
    def sms_sends(self) -> bool:
        """An SMS provider is wired in (the logging default sends nothing)."""
        return self.sms_provider.strip() not in ("log", "off")

    @property
    def push_services(self) -> tuple[str, ...]:
        return tuple(self.web_push_services.split())

    @property
    def push_contact(self) -> str:
        """VAPID's contact: the setting, else the public address when it is https."""
        if self.web_push_contact:
            return self.web_push_contact
        if self.public_url.startswith("https://"):
            return "https://" + urlsplit(self.public_url).netloc
        return "mailto:admin@localhost"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def require_token(self) -> str:
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise ConfigError(
                "BOT_TOKEN is not set: put BOT_TOKEN=<the token from @BotFather> in .env "
                "(see README) and run again, or try the bot without Telegram: "
                "python -m bot --sandbox"
            )
        token = self.bot_token.get_secret_value().strip()
        if not TOKEN_PATTERN.match(token):
            raise ConfigError(
                "BOT_TOKEN does not look like a Telegram bot token (digits, a colon, then "
                "letters): copy it again from @BotFather into .env."
            )
        return token

    def require_webhook(self) -> tuple[str, str]:
        """(URL, secret) for webhook mode, or a one-line error saying what to set."""
        url = (self.webhook_url or "").strip()
        if not url.lower().startswith("https://"):
            raise ConfigError(
                "WEBHOOK_URL must be the public https:// address Telegram posts to, e.g. "
                "https://pakn.example.gov.vn/telegram (see README, Production)."
            )
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or -: generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
            )
        return url, secret


def load_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        first = exc.errors()[0] if hasattr(exc, "errors") else {"loc": (), "msg": str(exc)}
        field = ".".join(str(p) for p in first["loc"]).upper() or "settings"
        raise ConfigError(f"{field} in .env or the environment: {first['msg']}") from exc
