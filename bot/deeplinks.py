"""Deep-link payloads (t.me/<bot>?start=<payload>): 64 of A–Z a–z 0–9 _ -, a prefix each."""

COMMUNE_PREFIX = "c-"  # c-07060: choose that commune
STAFF_INVITE_PREFIX = "inv-"  # staff invitations (the staff desk)


def commune_link(bot_username: str, commune_code: str) -> str:
    return f"https://t.me/{bot_username}?start={COMMUNE_PREFIX}{commune_code}"
