"""Words the staff desk shows about staff members and roles (current locale)."""

from collections.abc import Sequence

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


def staff_help(members: Sequence[Staff], communes: dict[int, str]) -> str:
    """/help for staff: where they work, what their role lets them do, and how."""
    roles = {member.role for member in members}
    lines = [_("<b>Help for the commune's staff</b>")]
    lines += [
        _("{commune}: {role}").format(
            commune=escape(communes.get(member.commune_id, "")), role=role_label(member.role)
        )
        for member in members
    ]
    lines += [
        "",
        _("On a case's card in the staff group, tap its buttons; or write:"),
        _("🗂 /queue — your open cases, most urgent first"),
        _("🔎 /find — find cases by code or words"),
        _("✅ /ack PA26-0001 — accept a case"),
        _("💬 /reply PA26-0001 … — answer the resident"),
        _("✔️ /close PA26-0001 … — close it with the result"),
        _("↪️ /forward, ⛔ /reject, 🔗 /merge, 📝 /note, 🏷 /reclassify — the other steps"),
        _("👤 /assign PA26-0001 Lan — part of the name is enough, or @username"),
        _("📥 /log — record a case received in person, by phone or by letter"),
    ]
    if roles & {Role.LEADER, Role.ADMIN}:
        lines += [
            _("⏳ /extend PA26-0001 +5 reason — extend a deadline"),
            _("📊 /report — the periodic reports; 📤 /export — the cases as a spreadsheet"),
        ]
    if Role.ADMIN in roles:
        lines += [
            _("➕ /invite — invite staff; 👥 /staff — change or remove them"),
            _("🔗 /bind — sent inside a group, makes it the staff group"),
            _("🧩 /templates, /route — reply templates, and who gets new cases of a field"),
        ]
    lines += [
        "",
        _("🌐 /language — Tiếng Việt / English · 🔒 /privacy — what we keep about you"),
        _("To send feedback of your own, as a resident: /new."),
    ]
    return "\n".join(lines)
