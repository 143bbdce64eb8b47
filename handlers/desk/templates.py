"""/templates (canned replies per category) and /route (a category's default officer), for
admins; canned replies offered when a staff member answers."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import DropTemplate, UseTemplate
from bot.ui.formatting import escape
from bot.ui.labels import category_label
from config.context import AppContext
from handlers.desk.actions import perform
from handlers.desk.common import explain
from handlers.desk.log.answer import answer_elsewhere
from handlers.replies import reply_long
from models import Category, ReplyTemplate, Role, Staff
from services.desk import templates
from services.desk.access import find_staff, ticket_by_id_for_staff
from services.errors import DomainError, NotAuthorized
from services.people import staff as staff_service

router = Router(name="desk_templates")
router.message.filter(F.chat.type == "private")


async def _admin_of(session: AsyncSession, telegram_id: int) -> Staff:
    admins = [
        m for m in await staff_service.memberships(session, telegram_id) if m.role is Role.ADMIN
    ]
    if not admins:
        await staff_service.record_refusal(session, telegram_id, "templates")
        raise NotAuthorized("templates")
    return admins[0]


def template_buttons(ticket_id: int, items: list[ReplyTemplate]) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    rows = [
        [
            InlineKeyboardButton(
                text="📄 " + (item.text if len(item.text) <= 40 else item.text[:40].rstrip() + "…"),
                callback_data=UseTemplate(ticket_id=ticket_id, template_id=item.id or 0).pack(),
            )
        ]
        for item in items[:8]
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@router.message(Command("templates"))
async def list_or_add(message: Message, command: CommandObject, session: AsyncSession) -> None:
    assert message.from_user is not None
    try:
        admin = await _admin_of(session, message.from_user.id)
        args = (command.args or "").strip()
        if args.startswith("add "):
            where, _sep, text = args[4:].strip().partition(" ")
            category = (
                None
                if where == "*"
                else await templates.find_category(session, admin.commune_id, where)
            )
            await templates.add_template(session, admin, admin.commune_id, category, text)
            await message.answer(_("📄 Canned reply saved."))
            return
    except DomainError as error:
        await message.answer(explain(error))
        return
    all_items = await templates.all_templates(session, admin.commune_id)
    lines = [
        _("<b>Canned replies</b>"),
        _("Add: /templates add dat_dai YOUR TEXT (or * instead of dat_dai for every field)"),
        "",
    ]
    buttons = []
    for item in all_items:
        category = await session.get(Category, item.category_id) if item.category_id else None
        field = category_label(category.slug, category.name) if category else _("every field")
        lines.append(f"• [{escape(field)}] {escape(item.text)}")
        buttons.append(
            [
                InlineKeyboardButton(
                    text=_("🗑 Remove: {text}").format(text=item.text[:30]),
                    callback_data=DropTemplate(template_id=item.id or 0).pack(),
                )
            ]
        )
    await reply_long(message, "\n".join(lines))
    if buttons:
        await message.answer(
            _("Tap to remove one:"), reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons)
        )


@router.callback_query(DropTemplate.filter())
async def drop(query: CallbackQuery, callback_data: DropTemplate, session: AsyncSession) -> None:
    template = await session.get(ReplyTemplate, callback_data.template_id)
    try:
        if template is None:
            raise NotAuthorized("template_remove")
        member = next(
            (
                m
                for m in await staff_service.memberships(session, query.from_user.id)
                if m.commune_id == template.commune_id
            ),
            None,
        )
        await templates.remove_template(session, member, template)
    except DomainError as error:
        await query.answer(explain(error)[:200], show_alert=True)
        return
    await query.answer(_("Removed."))


@router.message(Command("route"))
async def route(message: Message, command: CommandObject, session: AsyncSession) -> None:
    """/route dat_dai Lan — new cases in that field go straight to Lan; "-" stops it."""
    assert message.from_user is not None
    where, _sep, who = (command.args or "").strip().partition(" ")
    if not where or not who:
        await message.answer(_("Usage: {usage}").format(usage="/route dat_dai Lan | -"))
        return
    try:
        admin = await _admin_of(session, message.from_user.id)
        category = await templates.find_category(session, admin.commune_id, where)
        officer = None if who.strip() == "-" else await find_staff(session, admin.commune_id, who)
        await templates.set_route(session, admin, category, officer)
    except DomainError as error:
        await message.answer(explain(error))
        return
    await message.answer(
        _("New cases in {field} now go to {name}.").format(
            field=escape(category_label(category.slug, category.name)), name=escape(officer.name)
        )
        if officer
        else _("New cases in {field} now wait in the group.").format(
            field=escape(category_label(category.slug, category.name))
        )
    )


@router.callback_query(UseTemplate.filter())
async def use(
    query: CallbackQuery,
    callback_data: UseTemplate,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
) -> None:
    template = await session.get(ReplyTemplate, callback_data.template_id)
    data = await state.get_data()
    if template is None or data.get("ticket_id") != callback_data.ticket_id:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        ticket, member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id
        )
        action = data.get("action", "reply")
        if isinstance(query.message, Message) and await answer_elsewhere(
            session,
            query.message,
            state,
            ticket,
            member,
            action,
            template.text,
            (),
            ctx.clock.now(),
        ):
            await query.answer()
            return  # a citizen without Telegram: how was it given? (log_answer.py)
        done = await perform(
            session, ctx, ticket, member, action, template.text, at=ctx.clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error)[:200], show_alert=True)
        return
    await state.clear()
    await query.answer(done[:200])
    if isinstance(query.message, Message):
        await query.message.answer(done)
