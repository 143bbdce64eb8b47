"""The report's free-text sections: jinja2 templates that commune admins may rewrite, so
they run in jinja2's sandbox with a fixed set of variables (reports.variables).

Which text a section uses: the request's own edit, else the commune's (ReportSection),
else the default in templates/sections/<name>.j2. Each non-blank line of the rendered text
is one paragraph of the document."""

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports import formatting as fmt
from reports.variables import NAMES, sample_variables
from services.errors import InvalidInput
from services.reporting.settings import SECTIONS

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["SECTIONS", "check", "default", "paragraphs", "render", "render_all"]

TEMPLATES = Path(__file__).resolve().parent / "templates" / "sections"
MAX_LENGTH = 20_000
_SPACES = re.compile(r"[ \u00a0]{2,}")


def _number(value: Any) -> str:
    return fmt.number(value)


def _percent(value: Any) -> str:
    return fmt.percent(value)


@cache
def _environment() -> "SandboxedEnvironment":
    """jinja2's sandbox, and no huge powers or repeated strings that would stall a report;
    made when a report or a section is first rendered (jinja2 is not needed before)."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SecurityError("a power above 64 is not allowed in a section")
            if operator == "*":
                sizes = [len(v) for v in (left, right) if isinstance(v, str | list | tuple)]
                counts = [v for v in (left, right) if isinstance(v, int)]
                if sizes and counts and max(sizes) * max(counts) > MAX_LENGTH:
                    raise SecurityError("the text would be too long")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(undefined=StrictUndefined, autoescape=False)
    env.filters.update(number=_number, percent=_percent, join_vi=fmt.join_vi)
    return env


@cache
def default(name: str) -> str:
    if name not in SECTIONS:
        raise InvalidInput(f"section: {', '.join(SECTIONS)}")
    return (TEMPLATES / f"{name}.j2").read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """Non-blank lines, trimmed, runs of spaces made one."""
    return [_SPACES.sub(" ", line.strip()) for line in text.splitlines() if line.strip()]


def check(body: str) -> None:
    """Raises InvalidInput with a clear message when the template does not compile, uses
    a variable the reports do not provide, or fails on representative figures."""
    from jinja2 import TemplateError, meta

    if len(body) > MAX_LENGTH:
        raise InvalidInput(f"a section has at most {MAX_LENGTH} characters")
    try:
        template = _environment().from_string(body)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line})" if line else ""
        raise InvalidInput(f"the section's template does not compile{where}: {exc}") from exc
    unknown = sorted(meta.find_undeclared_variables(_environment().parse(body)) - NAMES)
    if unknown:
        raise InvalidInput(
            f"unknown variable(s) {', '.join(unknown)}; see docs/report-sections.md for "
            f"the variables: {', '.join(sorted(NAMES))}"
        )
    try:
        template.render(sample_variables())
    except Exception as exc:  # the sandbox and the template may raise anything
        raise InvalidInput(f"the section's template fails: {exc}") from exc


def render(name: str, body: str, variables: Mapping[str, Any]) -> list[str]:
    """The section's paragraphs."""
    try:
        text = _environment().from_string(body).render(variables)
    except Exception as exc:  # a stored template that no longer works: say which
        raise InvalidInput(f"section {name}: {exc}") from exc
    return paragraphs(text)


def render_all(variables: Mapping[str, Any], *overrides: Mapping[str, str]) -> dict[str, list[str]]:
    """Every section; later overrides win (the commune's, then the request's)."""
    out: dict[str, list[str]] = {}
    for name in SECTIONS:
        body = default(name)
        for edits in overrides:
            if edits.get(name, "").strip():
                body = edits[name]
        out[name] = render(name, body, variables)
    return out
