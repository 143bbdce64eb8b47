"""The resident's side of the conversation, in their private chat with the bot."""

from aiogram import F, Router

from handlers.resident import (
    choosing,
    fallback,
    follow_up,
    lookup,
    privacy,
    quick,
    start,
)
from handlers.resident.filing import flow as filing
from handlers.resident.filing import input as filing_input
from handlers.resident.filing import unsupported as filing_unsupported
from handlers.routing import attach


def build_router() -> Router:
    router = Router(name="resident")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    attach(
        router,
        start.router,
        privacy.router,
        choosing.router,
        follow_up.router,
        filing.router,
        filing_unsupported.router,  # before filing_input's catch-all for the flow
        filing_input.router,
        lookup.router,
        quick.router,
        fallback.router,
    )
    return router
