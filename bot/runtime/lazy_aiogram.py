"""aiogram, with its Telegram types built when first used instead of all at import.

aiogram declares its ~400 types with pydantic's `defer_build`, then builds every one at the
end of `aiogram/types/__init__.py` (`model_rebuild` with a namespace of all the types). A
type built before the types it contains gets its own copy of their validators, and some
twenty types (those holding a message: a reply, a giveaway, a checklist…) each copy the
whole tree under `Message`: about 100 MB of a bot process, most of its memory, for types
the bot never sees (aiogram issue #1513). Imported through here, aiogram skips those builds
and keeps their namespace; a type is then built on its first use (pydantic's deferred
build calls `model_rebuild`) against the same namespace, so it validates exactly as before.
`Message` is built first and `Update` next, so the types that hold a message share
Message's validator instead of copying it.

`bot/__init__.py` calls `import_aiogram()`, so every entry point through the `bot` package
gets it; a process that imported aiogram before is left as it is.
"""

import sys
from typing import Any

from pydantic import BaseModel

_namespace: dict[str, Any] = {}


def import_aiogram() -> None:
    if "aiogram" in sys.modules:
        return
    original = BaseModel.__dict__["model_rebuild"]

    def defer(cls: type[BaseModel], **kwargs: Any) -> bool | None:
        names = kwargs.get("_types_namespace")
        if cls.__module__.startswith("aiogram.types.") and names:
            _namespace.update(names)
            return None
        # one frame more than pydantic expects between it and its caller
        kwargs["_parent_namespace_depth"] = kwargs.get("_parent_namespace_depth", 2) + 1
        return original.__func__(cls, **kwargs)

    BaseModel.model_rebuild = classmethod(defer)  # type: ignore[method-assign,assignment]
    try:
        import aiogram.types
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    if not _namespace:  # this aiogram builds nothing at import: nothing to defer
        return
    # What the types import only for type checkers, so that a type found inside another
    # (a method's, a response's) resolves its annotations wherever the build starts.
    for name, module in list(sys.modules.items()):
        if name.startswith("aiogram.types.") and module is not None:
            for key, value in _namespace.items():
                vars(module).setdefault(key, value)
    from aiogram.types.base import TelegramObject

    def build(cls: type[BaseModel], **kwargs: Any) -> bool | None:
        """A type's first use builds it against aiogram's names, not its caller's frame."""
        if kwargs.get("_types_namespace") is None:
            kwargs["_types_namespace"] = _namespace
        return original.__func__(cls, **kwargs)

    TelegramObject.model_rebuild = classmethod(build)  # type: ignore[method-assign,assignment]
    aiogram.types.Message.model_rebuild()
    aiogram.types.Update.model_rebuild()
