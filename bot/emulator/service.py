"""Updates Telegram generates by itself: membership changes and group migration notices."""

from __future__ import annotations

from typing import Any

from bot.emulator.content import new_message, store
from bot.emulator.state import ChatState, State

ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
)


def member_object(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A ChatMember of the given status with the fields aiogram requires."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        member.update(
            {right: True for right in ADMIN_RIGHTS},
            can_be_edited=False,
            is_anonymous=False,
            can_promote_members=False,
        )
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    return member


def bot_membership_changed(
    state: State, chat: ChatState, actor: dict[str, Any], old: str, new: str
) -> dict[str, Any]:
    """Inject the `my_chat_member` update Telegram sends when the bot's status changes."""
    bot = state.bot.as_dict()
    return state.updates.push(
        {
            "my_chat_member": {
                "chat": chat.as_dict(),
                "from": actor,
                "date": state.now(),
                "old_chat_member": member_object(bot, old),
                "new_chat_member": member_object(bot, new),
            }
        }
    )


def service_message(
    state: State, chat: ChatState, actor: dict[str, Any], fields: dict[str, Any]
) -> dict[str, Any]:
    """Store a service message in `chat` and deliver it as a `message` update."""
    message = new_message(state, chat, actor)
    message.update(fields)
    store(state, chat, message, from_bot=False)
    state.updates.push({"message": message})
    return message


def migrate_chat(state: State, chat: ChatState, actor: dict[str, Any]) -> ChatState:
    """Upgrade a basic group: a new supergroup id, notices in both chats, old id refused."""
    new_id = -state.next_id("supergroup", 1_002_100_000_001)
    supergroup = ChatState(
        new_id,
        "supergroup",
        title=chat.title,
        bot_status=chat.bot_status,
        members=set(chat.members),
    )
    state.chats[new_id] = supergroup
    service_message(state, chat, actor, {"migrate_to_chat_id": new_id})
    chat.migrated_to = new_id
    service_message(state, supergroup, actor, {"migrate_from_chat_id": chat.id})
    return supergroup
