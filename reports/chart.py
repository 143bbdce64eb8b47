"""Cases received and answered per month, as a PNG (matplotlib, Agg backend, no pyplot:
figures are made and dropped here, so threads never share pyplot's global state)."""

import os
from io import BytesIO

from reports import formatting as fmt
from services.statistics.figures import Period

SERIF = ["Times New Roman", "Liberation Serif", "DejaVu Serif"]


def months_of(period: Period) -> list[str]:
    """ "YYYY-MM" of every month the period touches."""
    out, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _available(families: list[str]) -> list[str]:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return [family for family in families if family in names] or ["DejaVu Sans"]


def monthly_png(period: Period, received: dict[str, int], answered: dict[str, int]) -> bytes:
    """Blocking (run it in a thread)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    months = months_of(period)
    labels = [f"T{int(m[5:])}/{m[2:4]}" for m in months]
    got = [received.get(m, 0) for m in months]
    done = [answered.get(m, 0) for m in months]
    family = _available(SERIF)
    figure = Figure(figsize=(7.0, 3.0), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 0.38
    xs = list(range(len(months)))
    axes.bar([x - width / 2 for x in xs], got, width, label="Tiếp nhận", color="#2f5597")
    axes.bar([x + width / 2 for x in xs], done, width, label="Đã giải quyết", color="#a9c47f")
    axes.set_xticks(xs, labels, fontfamily=family, fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.number(int(value))))
    for label in axes.get_yticklabels():
        label.set_fontfamily(family)
        label.set_fontsize(8)
    axes.set_ylabel("Số lượt", fontfamily=family, fontsize=9)
    axes.set_title(
        "Phản ánh, kiến nghị tiếp nhận và đã giải quyết theo tháng", fontfamily=family, fontsize=10
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(
        prop={"family": family, "size": 8},
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=2,
    )
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
