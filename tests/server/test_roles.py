"""The settings of a server a process does not start are named in one line at startup: the
web server carries the webhook path and /metrics whenever the process runs it."""

from config.settings import Settings
from server.roles import plan_for, unused_listeners

TOKEN = "123456789:AAtest-token_for_fake_server_000000"
HOOK = {"webhook_url": "https://pakn.example.gov.vn/telegram/hook", "webhook_secret": "x" * 32}


def settings(**given: object) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, **given)  # type: ignore[call-arg, arg-type]


def test_with_the_web_server_the_bots_own_ports_are_unused() -> None:
    both = settings(**HOOK, webhook_port=8443, metrics_port=9101)
    assert unused_listeners(both, plan_for("all", both)) == ["WEBHOOK_PORT", "METRICS_PORT"]
    polling = settings(webhook_port=8443, metrics_port=9101)
    assert unused_listeners(polling, plan_for("all", polling)) == ["METRICS_PORT"]


def test_without_the_web_server_or_the_settings_nothing_is_said() -> None:
    given = settings(**HOOK, webhook_port=8443, metrics_port=9101)
    assert unused_listeners(given, plan_for("telegram", given)) == []
    defaults = settings(**HOOK, metrics_port=0)
    assert unused_listeners(defaults, plan_for("all", defaults)) == []
