"""Buttons of the staff desk: inviting staff, revoking invitations, changing a member's role,
removing them."""

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ui.callbacks import (
    InviteCommune,
    InviteRevoke,
    InviteRole,
    StaffList,
    StaffMember,
    StaffRemoval,
    StaffRoleChange,
)
from bot.ui.staff_text import role_label
from models import Commune, Role, Staff, StaffInvite


def invite_communes(items: Sequence[Commune]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        assert item.id is not None
        builder.button(text=item.name, callback_data=InviteCommune(commune_id=item.id))
    builder.adjust(1)
    return builder.as_markup()


def invite_roles(commune_id: int, revocable: Sequence[StaffInvite] = ()) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in (Role.OFFICER, Role.LEADER, Role.ADMIN):
        builder.button(
            text=role_label(role), callback_data=InviteRole(commune_id=commune_id, role=role.value)
        )
    for invite in revocable:
        assert invite.id is not None
        builder.button(
            text=_("🗑 Revoke invitation #{id} · {role}").format(
                id=invite.id, role=role_label(invite.role)
            ),
            callback_data=InviteRevoke(invite_id=invite.id),
        )
    builder.adjust(1)
    return builder.as_markup()


def staff_communes(items: Sequence[Commune]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in items:
        assert item.id is not None
        builder.button(text=item.name, callback_data=StaffList(commune_id=item.id))
    builder.adjust(1)
    return builder.as_markup()


def staff_members(members: Sequence[Staff]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for member in members:
        assert member.id is not None
        builder.button(
            text=f"{member.name} · {role_label(member.role)}",
            callback_data=StaffMember(staff_id=member.id),
        )
    builder.adjust(1)
    return builder.as_markup()


def member_actions(member: Staff) -> InlineKeyboardMarkup:
    assert member.id is not None
    builder = InlineKeyboardBuilder()
    for role in (Role.OFFICER, Role.LEADER, Role.ADMIN):
        if role is not member.role:
            builder.button(
                text=_("Change to: {role}").format(role=role_label(role)),
                callback_data=StaffRoleChange(staff_id=member.id, role=role.value),
            )
    builder.button(
        text=_("🗑 Remove from staff"),
        callback_data=StaffRemoval(staff_id=member.id, confirmed=False),
    )
    builder.button(text=_("⬅️ Back"), callback_data=StaffList(commune_id=member.commune_id))
    builder.adjust(1)
    return builder.as_markup()


def confirm_removal(member: Staff) -> InlineKeyboardMarkup:
    assert member.id is not None
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_("✅ Yes, remove"), callback_data=StaffRemoval(staff_id=member.id, confirmed=True)
    )
    builder.button(text=_("✖️ No"), callback_data=StaffMember(staff_id=member.id))
    builder.adjust(2)
    return builder.as_markup()
