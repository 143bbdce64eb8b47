"""Canned replies per category, kept by the commune's admins; and category routing."""

from collections.abc import Sequence

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Category, ReplyTemplate, Role, Staff
from services.errors import InvalidInput, NotAuthorized
from services.text import fold, nfc


def _admin(member: Staff | None, commune_id: int, action: str, session: AsyncSession) -> Staff:
    if (
        member is None
        or not member.active
        or member.commune_id != commune_id
        or member.role is not Role.ADMIN
    ):
        session.add(
            AuditEntry(
                commune_id=commune_id,
                actor_telegram_id=member.telegram_id if member else None,
                action=action,
                allowed=False,
            )
        )
        raise NotAuthorized(action)
    return member


async def find_category(session: AsyncSession, commune_id: int, name: str) -> Category:
    """By slug ("dat_dai") or by name, diacritics ignored ("dat dai")."""
    wanted = fold(name.replace("_", " "))
    rows = (await session.exec(select(Category).where(Category.commune_id == commune_id))).all()
    found = [c for c in rows if fold(c.slug.replace("_", " ")) == wanted or fold(c.name) == wanted]
    if len(found) != 1:
        raise InvalidInput("category_not_found")
    return found[0]


async def templates_for(
    session: AsyncSession, commune_id: int, category_id: int | None
) -> Sequence[ReplyTemplate]:
    return (
        await session.exec(
            select(ReplyTemplate)
            .where(
                ReplyTemplate.commune_id == commune_id,
                col(ReplyTemplate.active).is_(True),
                or_(
                    col(ReplyTemplate.category_id).is_(None),
                    ReplyTemplate.category_id == category_id,
                ),
            )
            .order_by(col(ReplyTemplate.id))
        )
    ).all()


async def add_template(
    session: AsyncSession,
    member: Staff | None,
    commune_id: int,
    category: Category | None,
    text: str,
) -> ReplyTemplate:
    try:
        _admin(member, commune_id, "template_add", session)
    except NotAuthorized:
        await session.commit()
        raise
    body = nfc(text.strip())
    if not body:
        raise InvalidInput("text_required")
    template = ReplyTemplate(
        commune_id=commune_id, category_id=category.id if category else None, text=body
    )
    session.add(template)
    await session.commit()
    return template


async def remove_template(
    session: AsyncSession, member: Staff | None, template: ReplyTemplate
) -> None:
    try:
        _admin(member, template.commune_id, "template_remove", session)
    except NotAuthorized:
        await session.commit()
        raise
    template.active = False
    session.add(template)
    await session.commit()


async def set_route(
    session: AsyncSession, member: Staff | None, category: Category, officer: Staff | None
) -> None:
    try:
        _admin(member, category.commune_id, "category_route", session)
    except NotAuthorized:
        await session.commit()
        raise
    if officer is not None and officer.commune_id != category.commune_id:
        raise InvalidInput("assignee of another commune")
    category.default_staff_id = officer.id if officer else None
    session.add(category)
    session.add(
        AuditEntry(
            commune_id=category.commune_id,
            staff_id=member.id if member else None,
            actor_telegram_id=member.telegram_id if member else None,
            action="category_route",
            allowed=True,
            detail=f"{category.slug} -> {officer.name if officer else '-'}",
        )
    )
    await session.commit()


async def all_templates(session: AsyncSession, commune_id: int) -> Sequence[ReplyTemplate]:
    return (
        await session.exec(
            select(ReplyTemplate)
            .where(ReplyTemplate.commune_id == commune_id, col(ReplyTemplate.active).is_(True))
            .order_by(col(ReplyTemplate.category_id), col(ReplyTemplate.id))
        )
    ).all()
