"""The systemd units in deploy/ start what the README says, from where it says."""

import configparser
import re
import shlex
from pathlib import Path

import pytest

from config.settings import Settings
from tests import ROOT

DEPLOY = ROOT / "deploy"
SETTING = re.compile(r"^#? ?([A-Z][A-Z0-9_]*)=(.*)$")
UNITS = {"homthuso.service": [], "homthuso-webhook.service": ["--webhook"]}


def _read(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def _all_values(name: str, key: str) -> list[str]:
    """Every value of a key systemd lets repeat (configparser keeps only the last)."""
    lines = (DEPLOY / name).read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")]


@pytest.mark.parametrize(("name", "arguments"), UNITS.items())
def test_the_unit_runs_the_bot_from_its_checkout_with_its_env_file(
    name: str, arguments: list[str]
) -> None:
    service = _read(name)["Service"]
    home = Path(service["WorkingDirectory"])
    assert shlex.split(service["ExecStart"]) == [
        str(home / ".venv/bin/python"),
        "-m",
        "bot",
        *arguments,
    ]
    assert service["EnvironmentFile"] == str(home / ".env")
    assert service["User"] == "homthuso"
    assert service["Restart"] == "on-failure"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "true"
    assert str(home / "data") in _all_values(name, "ReadWritePaths")  # SQLite writes there


def test_the_two_modes_exclude_each_other() -> None:
    assert _read("homthuso.service")["Unit"]["Conflicts"] == "homthuso-webhook.service"
    assert _read("homthuso-webhook.service")["Unit"]["Conflicts"] == "homthuso.service"
    for name in UNITS:
        assert _read(name)["Install"]["WantedBy"] == "multi-user.target"


def test_every_example_setting_is_valid_as_systemd_passes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The units read .env with EnvironmentFile=, which keeps a trailing "# comment" in the
    value: each example line, uncommented, must give a value the bot accepts."""
    example = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := SETTING.match(line):
            example[match[1]] = match[2].strip()
    assert {"BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL", "METRICS_PORT"} <= example.keys()
    assert not [f"{k}={v}" for k, v in example.items() if "#" in v]
    for key, value in example.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)
    assert settings.metrics_port == 9101
    assert settings.webhook_url == example["WEBHOOK_URL"]
