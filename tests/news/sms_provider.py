"""An SMS provider's adapter as SMS_PROVIDER names one ("tests.news.sms_provider:factory"):
it keeps what it was given, as a provider's test account lists what was sent, and refuses
numbers its account may not reach."""

from config.settings import Settings

SENT: list[tuple[str, str]] = []
REFUSED_PREFIX = "0999"


class RecordingSms:
    async def send(self, phone: str, text: str) -> None:
        if phone.startswith(REFUSED_PREFIX):
            raise RuntimeError("the provider refused the number")
        SENT.append((phone, text))


def factory(settings: Settings) -> RecordingSms:
    assert settings.sms_sends
    return RecordingSms()
