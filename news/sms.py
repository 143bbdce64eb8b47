"""SMS to residents who gave a phone number. No provider is wired in yet: the default writes
what would be sent to the log (the number masked). A Vietnamese SMS-brandname provider plugs
in as a class with `async send(phone, text)`, named in SMS_PROVIDER as
"package.module:factory"; the factory takes the settings."""

import importlib
import logging
from typing import Protocol

from config.settings import ConfigError, Settings

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    async def send(self, phone: str, text: str) -> None:
        """Raises when the provider did not take the message (it is tried again later)."""


class LoggedSms:
    """Writes each message to the log instead of sending it."""

    async def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask(phone), text)


def mask(phone: str) -> str:
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:] if len(phone) > 5 else "***"


def sms_gateway(settings: Settings) -> SmsGateway | None:
    """None when SMS is off."""
    choice = settings.sms_provider.strip()
    if choice == "off":
        return None
    if choice == "log":
        return LoggedSms()
    module_name, _, factory_name = choice.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(
            f'SMS_PROVIDER must be "log", "off" or "package.module:factory"; {choice!r}: {exc}'
        ) from exc
    gateway: SmsGateway = factory(settings)
    return gateway
