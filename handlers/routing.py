"""Putting module-level routers together, once per dispatcher."""

from aiogram import Router


def attach(parent: Router, *children: Router) -> None:
    """Handlers are declared on module-level routers (aiogram's style); a process may build
    more than one dispatcher (the tests, the sandbox), so each build re-attaches them."""
    for child in children:
        child._parent_router = None
        parent.include_router(child)
