"""Words the staff desk shows about staff members and roles (current locale)."""

from aiogram.utils.i18n import gettext as _

from bot.ui.formatting import escape
from models import Role, Staff


def role_label(role: Role) -> str:
    return {
        Role.OFFICER: _("Officer"),
        Role.LEADER: _("Leader"),
        Role.ADMIN: _("Admin"),
    }[role]


def role_duties(role: Role) -> str:
    """What someone with this role can do, plainly."""
    officer = _(
        "New cases from residents appear in the commune's staff group. You can accept a "
        "case, take one nobody has taken yet, answer the resident and close the case."
    )
    leader = _(
        "You can also assign cases to staff, extend deadlines, and approve letters and reports."
    )
    admin = _(
        "You also set the commune up: invite staff with /invite, change or remove them "
        "with /staff, and connect the staff group with /bind (sent inside the group)."
    )
    parts = {
        Role.OFFICER: [officer],
        Role.LEADER: [officer, leader],
        Role.ADMIN: [officer, leader, admin],
    }[role]
    return "\n\n".join(parts)


def member_line(member: Staff) -> str:
    """ "• <b>Ngô Xuân Mạnh</b> (Phó Chủ tịch) · Admin · @manh" """
    parts = [
        f"<b>{escape(member.name)}</b>" + (f" ({escape(member.title)})" if member.title else "")
    ]
    parts.append(role_label(member.role))
    if member.username:
        parts.append(f"@{escape(member.username)}")
    return "• " + " · ".join(parts)
