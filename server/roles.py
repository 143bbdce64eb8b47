"""What a process runs, from `--role` and the settings. `all` (the default) runs whatever is
configured: Telegram only with a token, so a fresh machine serves the web page at once.

A process runs one HTTP server at most. With the web role it is the web server, and it
carries Telegram's webhook path (webhook mode), `/healthz` and `/metrics` (with Telegram;
these two for this machine only); without it, a Telegram process serves them itself
(bot/runtime/app.py), and a scheduler-only process serves nothing."""

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


def unused_listeners(settings: Settings, plan: Plan) -> list[str]:
    """The settings given for a server this process does not start, since the web server
    carries its paths: WEBHOOK_HOST and WEBHOOK_PORT in webhook mode, METRICS_HOST and
    METRICS_PORT (when not 0) in either mode."""
    if not (plan.telegram and plan.web):
        return []
    given = settings.model_fields_set
    names: list[str] = [n for n in ("webhook_host", "webhook_port") if plan.webhook and n in given]
    if settings.metrics_port:
        names += [n for n in ("metrics_host", "metrics_port") if n in given]
    return [name.upper() for name in names]
