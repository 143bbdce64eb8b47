"""Deep-link payloads (t.me/<bot>?start=<payload>): 64 of A–Z a–z 0–9 _ -, a prefix each."""

COMMUNE_PREFIX = "c-"  # c-07060: choose that commune
STAFF_INVITE_PREFIX = "inv-"  # staff invitations (the staff desk)
TELEGRAM_API = "https://api.telegram.org"


def commune_link(bot_username: str, commune_code: str) -> str:
    return f"https://t.me/{bot_username}?start={COMMUNE_PREFIX}{commune_code}"


def invite_payload(token: str) -> str:
    return f"{STAFF_INVITE_PREFIX}{token}"


def invite_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={invite_payload(token)}"


async def fetch_bot_username(token: str, api_url: str | None, timeout: float = 10.0) -> str:  # noqa: ASYNC109
    """The bot's @username from getMe, for the CLI, which does not load aiogram (slow to
    import). Raises RuntimeError with a short reason when Telegram cannot be asked."""
    import aiohttp

    url = f"{(api_url or TELEGRAM_API).rstrip('/')}/bot{token}/getMe"
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.get(url) as response,
        ):
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise RuntimeError(type(exc).__name__) from exc
    username = (body.get("result") or {}).get("username") if body.get("ok") else None
    if not username:
        raise RuntimeError(str(body.get("description") or "no username in getMe"))
    return str(username)
