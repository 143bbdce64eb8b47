"""A report section's text as a person writes it: plain text in which `{{ name }}` stands
for one of the report's values (docs/report-sections.md lists the names). It is never run
as a template: `fill` replaces each placeholder by its value's words and copies everything
else as written, so no loop, filter, attribute or format spec in it can do anything.

`check` refuses, before anything is saved, a text with an unknown name, with anything but a
name between `{{` and `}}`, or with jinja2's tags (`{% … %}`, `{# … #}`): those were allowed
before and are what a text saved then may still hold (reports.sections falls back to the
default text for it and says so). Single braces are plain text, as they always were."""

import re
from collections.abc import Callable, Mapping

from services.errors import InvalidInput

# The values of a report (reports/variables.py computes them); the default sections, which
# are jinja2 templates of our own, see every one of them.
COUNTS = (
    "received",
    "carried_over",
    "handled",
    "answered",
    "early",
    "on_time",
    "late",
    "merged",
    "withdrawn",
    "pending_not_due",
    "pending_overdue",
    "rated",
    "participants",
    "acknowledged_in_time",
)
PERCENTS = ("on_time_rate", "acknowledged_in_time_share", "satisfied_share", "participation_share")
DAYS = ("days_to_first_answer_avg", "days_to_close_avg")
TEXTS = (
    "commune",
    "commune_name",
    "unit",
    "ubnd",
    "ubnd_full",
    "place",
    "superior",
    "superior_short",
    "title",
    "subject",
    "period",
    "in_period",
    "period_start",
    "period_end",
    "year",
    "as_of",
    "report_date",
    "channel_words",
    "channels_used",
)
OTHERS = (
    "superiors",
    "digital",
    "categories",
    "resolved",
    "forwarded",
    "rejected",
    "pending",
    "to_answer",
    "population",
    "households",
    "population_year",
    "administrative",
)
NAMES = frozenset((*COUNTS, *PERCENTS, *DAYS, *TEXTS, *OTHERS))
# what a person may write: every value that reads as words (`digital` is true or false)
PLACEHOLDERS = NAMES - {"digital"}
MAX_LENGTH = 20_000

_MARK = re.compile(r"\{\{|\{%|\{#")
_NAME = re.compile(r"\w+")  # a word: a name, known or not
_SHOWN = 40  # characters of a refused piece quoted back

Gettext = Callable[[str], str]


class SectionTextRefused(InvalidInput):
    """The text cannot be a section: `problem` says why ("unknown", "not_a_name", "tag",
    "unclosed", "too_long"), at `line`; `names` are the unknown names, or the piece refused."""

    def __init__(self, problem: str, line: int = 0, names: tuple[str, ...] = ()) -> None:
        super().__init__(problem, line, names)
        self.problem, self.line, self.names = problem, line, names


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _pieces(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each `{{ name }}`, or SectionTextRefused for the first piece
    that is not one."""
    found: list[tuple[int, int, str]] = []
    unknown: dict[str, int] = {}
    position = 0
    while match := _MARK.search(text, position):
        start = match.start()
        if match.group() != "{{":
            shown = text[start : start + _SHOWN].split("\n")[0]
            raise SectionTextRefused("tag", _line(text, start), (shown,))
        end = text.find("}}", match.end())
        if end < 0:
            raise SectionTextRefused("unclosed", _line(text, start))
        inside = text[match.end() : end].strip()
        if not _NAME.fullmatch(inside):
            raise SectionTextRefused("not_a_name", _line(text, start), (inside[:_SHOWN],))
        if inside not in PLACEHOLDERS:
            unknown.setdefault(inside, start)
        found.append((start, end + 2, inside))
        position = end + 2
    if unknown:
        raise SectionTextRefused("unknown", _line(text, min(unknown.values())), tuple(unknown))
    return found


def check(text: str) -> None:
    """Raises SectionTextRefused unless `text` can be saved as a section."""
    if len(text) > MAX_LENGTH:
        raise SectionTextRefused("too_long")
    _pieces(text)


def usable(text: str) -> bool:
    try:
        check(text)
    except SectionTextRefused:
        return False
    return True


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each placeholder replaced by its value (a checked text only)."""
    check(text)
    out: list[str] = []
    position = 0
    for start, end, name in _pieces(text):
        out += [text[position:start], values.get(name, "")]
        position = end
    out.append(text[position:])
    return "".join(out)


def describe(error: SectionTextRefused, _: Gettext) -> str:
    """Why the text was refused, in the channel's language (`_` is its gettext)."""
    example = "{{ received }}"
    if error.problem == "too_long":
        return _("A section has at most {limit} characters.").format(limit=MAX_LENGTH)
    if error.problem == "unknown":
        return _(
            "Line {line}: {names} is not a placeholder of the report. A section may use "
            "only these, written like {example}: {known}."
        ).format(
            line=error.line,
            names=", ".join("{{ " + name + " }}" for name in error.names),
            example=example,
            known=", ".join(sorted(PLACEHOLDERS)),
        )
    if error.problem == "not_a_name":
        return _(
            "Line {line}: only a placeholder's name may stand between the double braces, "
            "like {example}; “{found}” is not one (no filters, calculations or formats)."
        ).format(line=error.line, example=example, found=error.names[0] if error.names else "")
    if error.problem == "unclosed":
        return _(
            "Line {line}: a placeholder opened with “{opening}” is not closed with “{closing}”."
        ).format(line=error.line, opening="{{", closing="}}")
    return _(
        "Line {line}: “{found}”: conditions, loops and comments cannot be used in a section; "
        "write the text itself, with placeholders like {example} for the figures."
    ).format(line=error.line, found=error.names[0] if error.names else "", example=example)
