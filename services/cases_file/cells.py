"""Cells a spreadsheet would run: a text starting with = + - @, a tab or a carriage return is
a formula to Excel and LibreOffice when they open a CSV (`=HYPERLINK(…)` sends the sheet's
data away; `+cmd|' /C calc'!A0` starts a program), and `=…` is one in an .xlsx too.

The export writes every text as text: in an .xlsx as a string cell (never a formula, whatever
it starts with); in a CSV with a `'` before a text that starts with one of those characters,
or with `'` itself. The CSV import takes one leading `'` off every text, so what was exported
comes back exactly: `=1+1` is written `'=1+1` and read `=1+1`; `'a` is written `''a` and read
`'a`; any other text is written and read as it is. (A hand-made CSV whose text really starts
with `'` loses that one character; an .xlsx is read as it is.)"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def for_csv(text: str) -> str:
    """The text as the CSV export writes it."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def from_csv(text: str) -> str:
    """A CSV cell as the import reads it: for_csv undone."""
    return text[1:] if text.startswith(QUOTE) else text
