"""aiogram routers: thin adapters that parse, call a service and reply."""

from aiogram import Router

from handlers import errors, staff
from handlers.resident import build_router as build_resident_router
from handlers.resident.fallback import stale_button


def attach(parent: Router, *children: Router) -> None:
    """Handlers are declared on module-level routers (aiogram's style); a process may build
    more than one dispatcher (the tests, the sandbox), so each build re-attaches them."""
    for child in children:
        child._parent_router = None
        parent.include_router(child)


def build_root_router() -> Router:
    root = Router(name="root")
    stale = Router(name="stale_buttons")
    stale.callback_query.register(stale_button)  # last: a button nobody handles any more
    attach(root, errors.router, staff.router, build_resident_router(), stale)
    return root
