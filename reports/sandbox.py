"""The jinja2 sandbox the default sections (templates/sections/*.j2, our own code) render
in, with a budget: a deadline and a stop flag checked at every step of a `range` loop, every
call and every attribute or item looked up, and a cap on the text it writes. No power above
64, no string or list repeated past MAX_LENGTH, no `%` on strings, and none of the filters
that widen a text (center, indent, format, replace, wordwrap). A person's text never comes
here (services/reporting/placeholders.py)."""

import threading
import time
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from reports import formatting as fmt
from services.errors import DomainError

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

MAX_LENGTH = 20_000  # a string or list made inside a template
MAX_OUTPUT = 200_000  # characters a section may write
_WIDENING = ("center", "indent", "format", "replace", "wordwrap")


class RenderTooCostly(DomainError):
    """The report's sections took longer than their time, or wrote more than their size:
    nothing was made. Args: what ran out ("time" or "size")."""


class Budget:
    """How long the rendering may take; `stop()` ends it early (its caller gave up)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self._stopped = threading.Event()

    def stop(self) -> None:
        self._stopped.set()

    def tick(self) -> None:
        if self._stopped.is_set() or time.monotonic() > self.deadline:
            raise RenderTooCostly("time")


_current = threading.local()


def _tick() -> None:
    budget: Budget | None = getattr(_current, "budget", None)
    if budget is not None:
        budget.tick()


def _range(*args: int) -> Iterator[int]:
    from jinja2.sandbox import safe_range

    for number in safe_range(*args):
        _tick()
        yield number


@cache
def environment() -> "SandboxedEnvironment":
    """Made when a report or a section is first rendered (jinja2 is not needed before)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "%"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            _tick()
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SecurityError("a power above 64 is not allowed in a section")
            if operator == "%" and isinstance(left, str):
                raise SecurityError("% formatting is not allowed in a section")
            if operator == "*":
                sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
                counts = [v for v in (left, right) if isinstance(v, int)]
                if sizes and counts and max(sizes) * max(counts) > MAX_LENGTH:
                    raise SecurityError("the text would be too long")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            _tick()
            return super().call(__context, __obj, *args, **kwargs)

        def getattr(self, obj: Any, attribute: str) -> Any:
            _tick()
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            _tick()
            return super().getitem(obj, argument)

    env = Sandbox(undefined=StrictUndefined, autoescape=False)
    env.globals["range"] = _range
    for name in _WIDENING:
        del env.filters[name]
    env.filters.update(number=fmt.number, percent=fmt.percent, join_vi=fmt.join_vi)
    return env


def render(template: "Template", variables: dict[str, Any], budget: Budget | None) -> str:
    """The template's text, within `budget` (none: unbounded in time, as for a check)."""
    _current.budget = budget
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(variables):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise RenderTooCostly("size")
            _tick()
            out.append(chunk)
        return "".join(out)
    finally:
        _current.budget = None
