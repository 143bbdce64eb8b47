"""The A4 poster for a village's notice board ("pano, áp phích"): the commune, what to send,
the QR code of the village's form, the short link written out, the Telegram link when the
bot has one, the answer-time promise and the reception hours. One drawing (matplotlib,
whose bundled DejaVu font has every Vietnamese letter), saved as PDF, PNG or SVG."""

from dataclasses import dataclass
from io import BytesIO
from typing import Literal

import segno

from locales import labels
from locales.catalogs import translation

Format = Literal["pdf", "png", "svg"]
FORMATS: tuple[Format, ...] = ("pdf", "png", "svg")
A4_INCHES = (8.27, 11.69)
_ = translation("vi").gettext  # the notice board is read in Vietnamese


@dataclass(frozen=True)
class PosterFacts:
    commune_name: str  # "xã Thống Nhất", as it reads after "UBND"
    village_name: str | None
    form_url: str  # what the QR opens: PUBLIC_URL/x/07060?thon=3
    telegram_url: str | None
    address: str | None
    reception: str | None


def _lines(facts: PosterFacts) -> list[tuple[str, float, str]]:
    """(text, font size, weight) from the top, under the QR code."""
    lines: list[tuple[str, float, str]] = [
        (_("Scan the code with your phone's camera, or open:"), 15, "normal")
    ]
    lines.append((facts.form_url.split("://", 1)[-1], 17, "bold"))
    if facts.telegram_url:
        lines.append((_("On Telegram: {link}").format(link=facts.telegram_url), 14, "normal"))
    rule = labels.rule_label("default", "", _)
    lines.append((_("The commune answers within {rule}.").format(rule=rule), 13, "normal"))
    if facts.reception:
        lines.append((_("Reception days: {days}").format(days=facts.reception), 13, "normal"))
    if facts.address:
        lines.append((_("Address: {address}").format(address=facts.address), 13, "normal"))
    return lines


def render_poster(facts: PosterFacts, form: Format = "pdf") -> bytes:
    from matplotlib.figure import Figure  # only when a poster is made

    figure = Figure(figsize=A4_INCHES)
    office = _("People's Committee of {commune}").format(commune=facts.commune_name)
    figure.text(0.5, 0.94, office.upper(), ha="center", fontsize=20, weight="bold", wrap=True)
    figure.text(
        0.5, 0.885, _("Send feedback"), ha="center", fontsize=30, weight="bold", color="#a50e0e"
    )
    if facts.village_name:
        figure.text(0.5, 0.845, facts.village_name, ha="center", fontsize=20)
    matrix = [list(row) for row in segno.make(facts.form_url, error="m").matrix_iter(border=2)]
    code = figure.add_axes((0.22, 0.36, 0.56, 0.56 * A4_INCHES[0] / A4_INCHES[1]))
    code.imshow(matrix, cmap="gray_r", interpolation="nearest")
    code.set_axis_off()
    y = 0.31
    for text, size, weight in _lines(facts):
        figure.text(0.5, y, text, ha="center", fontsize=size, weight=weight, wrap=True)
        y -= 0.045
    buffer = BytesIO()
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none"}):  # words stay words in the SVG
        figure.savefig(buffer, format=form, dpi=200, facecolor="white")
    return buffer.getvalue()
