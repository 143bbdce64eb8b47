from aiogram import F, Router

from handlers.resident import (
    commune_choice,
    fallback,
    filing,
    filing_input,
    filing_unsupported,
    follow_up,
    lookup,
    privacy,
    quick,
    start,
)


def build_router() -> Router:
    router = Router(name="resident")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    from handlers import attach

    attach(
        router,
        start.router,
        privacy.router,
        commune_choice.router,
        follow_up.router,
        filing.router,
        filing_unsupported.router,  # before filing_input's catch-all for the flow
        filing_input.router,
        lookup.router,
        quick.router,
        fallback.router,
    )
    return router
