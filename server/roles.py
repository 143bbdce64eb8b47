"""What a process runs, from `--role` and the settings. `all` (the default) runs whatever is
configured: Telegram only with a token, so a fresh machine serves the web page at once."""

from dataclasses import dataclass

from config.settings import ConfigError, Settings

ROLES = ("all", "telegram", "bot", "web", "scheduler")  # "bot": the old name of "telegram"


@dataclass(frozen=True)
class Plan:
    telegram: bool
    web: bool
    scheduler: bool
    webhook: bool

    @property
    def telegram_off_notice(self) -> bool:
        return not self.telegram and self.web


def plan_for(role: str, settings: Settings, *, webhook: bool = False) -> Plan:
    """Raises ConfigError (one line) when the role needs a setting that is missing or bad."""
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    telegram = role in ("telegram", "bot") or (role == "all" and settings.telegram_on)
    if telegram:
        settings.require_token()  # a malformed token is refused, never silently ignored
    webhook = telegram and (webhook or bool(settings.webhook_url))
    if webhook:
        settings.require_webhook()
    return Plan(
        telegram=telegram,
        web=role in ("all", "web"),
        scheduler=role in ("all", "scheduler"),
        webhook=webhook,
    )
