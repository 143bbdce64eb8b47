"""The report's free-text sections. The defaults, templates/sections/<name>.j2, are jinja2
templates of ours (reports.sandbox); a commune's or a version's own text is plain text with
`{{ name }}` placeholders (services/reporting/placeholders.py), never run as a template.

Which text a section uses: the request's own edit, else the commune's (ReportSection),
else the default. An own text that cannot be used (one saved before placeholders, with
jinja2's tags or filters) is skipped, the default is used, and the section is listed in
`Rendered.fallbacks` for whoever reads the report to be told. Each non-blank line of the
rendered text is one paragraph of the document.

`render_sections` runs off the event loop, in a worker thread, so that the bot answers
everyone else meanwhile, and fails with RenderTooCostly after RENDER_SECONDS."""

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from reports import sandbox
from reports.sandbox import Budget, RenderTooCostly
from reports.variables import placeholder_values, sample_variables
from services.errors import InvalidInput
from services.reporting import placeholders
from services.reporting.settings import SECTIONS

__all__ = [
    "SECTIONS",
    "RenderTooCostly",
    "Rendered",
    "check_default",
    "default",
    "paragraphs",
    "render_all",
    "render_sections",
    "unusable",
]

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / "templates" / "sections"
RENDER_SECONDS = 20.0
_SPACES = re.compile(r"[ \u00a0]{2,}")
LEFT_OUT = ("-", "–", "—")  # an own text of just a dash: the section says nothing


@dataclass
class Rendered:
    sections: dict[str, list[str]]
    fallbacks: list[str] = field(default_factory=list)  # own texts skipped for the default


@cache
def default(name: str) -> str:
    if name not in SECTIONS:
        raise InvalidInput(f"section: {', '.join(SECTIONS)}")
    return (TEMPLATES / f"{name}.j2").read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    """Non-blank lines, trimmed, runs of spaces made one."""
    return [_SPACES.sub(" ", line.strip()) for line in text.splitlines() if line.strip()]


def check_default(body: str) -> None:
    """A default template compiles, uses only the report's variables and renders on
    representative figures (tests/reports check every shipped default with this)."""
    from jinja2 import meta

    env = sandbox.environment()
    unknown = sorted(meta.find_undeclared_variables(env.parse(body)) - placeholders.NAMES)
    if unknown:
        raise InvalidInput(f"unknown variable(s) {', '.join(unknown)}")
    sandbox.render(env.from_string(body), sample_variables(), None)


def _own(name: str, overrides: tuple[Mapping[str, str], ...]) -> tuple[str | None, bool]:
    """The own text a section uses (None: the default), and whether a later one was
    skipped because it cannot be used."""
    skipped = False
    for edits in reversed(overrides):
        text = edits.get(name) or ""
        if not text.strip():
            continue
        if placeholders.usable(text):
            return text, skipped
        skipped = True
    return None, skipped


def unusable(*overrides: Mapping[str, str]) -> list[str]:
    """The sections whose own text is skipped for the default (later overrides win)."""
    return [name for name in SECTIONS if _own(name, overrides)[1]]


def render_all(
    variables: Mapping[str, Any], *overrides: Mapping[str, str], budget: Budget | None = None
) -> Rendered:
    """Every section; later overrides win (the commune's, then the request's)."""
    values = placeholder_values(dict(variables))
    out = Rendered({})
    for name in SECTIONS:
        own, skipped = _own(name, overrides)
        if skipped:
            log.warning("section %s: its own text has template code; the default is used", name)
            out.fallbacks.append(name)
        if own is not None and own.strip() in LEFT_OUT:
            out.sections[name] = []  # "-": nothing to say (section 4 is then left out)
            continue
        if own is not None:
            out.sections[name] = paragraphs(placeholders.fill(own, values))
            continue
        env = sandbox.environment()
        try:
            text = sandbox.render(env.from_string(default(name)), dict(variables), budget)
        except RenderTooCostly:
            raise
        except Exception as exc:  # a default that does not work with these figures
            raise InvalidInput(f"section {name}: {exc}") from exc
        out.sections[name] = paragraphs(text)
    return out


async def render_sections(variables: Mapping[str, Any], *overrides: Mapping[str, str]) -> Rendered:
    """render_all in a worker thread, within RENDER_SECONDS (RenderTooCostly after)."""
    budget = Budget(RENDER_SECONDS)
    try:
        return await asyncio.wait_for(
            asyncio.to_thread(render_all, variables, *overrides, budget=budget), RENDER_SECONDS
        )
    except TimeoutError as exc:
        raise RenderTooCostly("time") from exc
    finally:
        budget.stop()  # the thread, if still running, stops at its next step
