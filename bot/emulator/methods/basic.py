"""getMe, getUpdates and the webhook methods."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.errors import CONFLICT_WEBHOOK, ApiError, bad_request
from bot.emulator.methods.common import Described
from bot.emulator.params import Params
from bot.emulator.state import State

LONG_POLL_MAX = 50


def get_me(state: State, p: Params) -> dict[str, Any]:
    return {
        **state.bot.as_dict(),
        "can_join_groups": True,
        "can_read_all_group_messages": not state.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def log_out(state: State, p: Params) -> bool:
    return True


async def get_updates(state: State, p: Params) -> list[dict[str, Any]]:
    if state.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    limit = p.get_int("limit", 100)
    if limit is None or not 1 <= limit <= 100:
        raise bad_request("limit must be between 1 and 100")
    timeout = min(max(p.get_int("timeout", 0) or 0, 0), LONG_POLL_MAX)
    allowed = p.get("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed updates JSON object")
    state.updates.set_allowed(allowed)
    updates = await state.updates.poll(p.get_int("offset", 0) or 0, limit, timeout)
    state.notify()
    return updates


def set_webhook(state: State, p: Params) -> Described:
    url = p.get_str("url") or ""
    if not url:
        return delete_webhook(state, p)
    if not url.lower().startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = min(max(p.get_int("max_connections", 40) or 40, 1), 100)
    if p.get_bool("drop_pending_updates"):
        state.updates.drop_all()
    allowed = p.get("allowed_updates")
    state.updates.set_allowed(allowed if isinstance(allowed, list) else None)
    state.webhook = {"url": url, "max_connections": max_connections, "secret_token": secret}
    return Described(True, "Webhook was set")


def delete_webhook(state: State, p: Params) -> Described:
    if p.get_bool("drop_pending_updates"):
        state.updates.drop_all()
    was_set, state.webhook = state.webhook is not None, None
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


def get_webhook_info(state: State, p: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if state.webhook is not None:
        info.update(url=state.webhook["url"], max_connections=state.webhook["max_connections"])
    if state.updates.allowed is not None:
        info["allowed_updates"] = sorted(state.updates.allowed)
    return info


HANDLERS = {
    "getMe": get_me,
    "logOut": log_out,
    "close": log_out,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
