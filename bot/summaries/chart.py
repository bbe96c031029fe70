"""The summary chart: votes per argument, agree against disagree, as PNG bytes (Agg canvas).

A diverging bar chart: agree to the right, disagree to the left of a shared zero line, so the
balance of each argument reads at a glance and a close split looks balanced. It is drawn on an
opaque dark card: a transparent image would need text that reads on both Discord themes,
which no single colour does well, while a dark card sits fine on the light theme too. Blue and
orange stay distinct for the common colour-vision deficiencies.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.summaries.model import ArgumentItem, WeeklySummary
from bot.text import shorten

MAX_BARS = 20
BACKGROUND = "#1f2329"
PANEL = "#262b33"
TEXT = "#f2f3f5"
MUTED = "#aab2bf"
GRID = "#3a414c"
AGREE = "#4ea1ff"
DISAGREE = "#ff9f43"
CONTESTED = "#ffd166"
DPI = 110
WIDTH_IN = 10.0


def chart_arguments(summary: WeeklySummary) -> tuple[list[ArgumentItem], int]:
    """The arguments drawn (most votes first, at most ``MAX_BARS``) and how many had votes."""
    voted = [a for a in summary.arguments if a.total > 0]
    order = sorted(voted, key=lambda a: (-a.total, a.piece_index, a.number))
    return order[:MAX_BARS], len(voted)


def _label(a: ArgumentItem, several_pieces: bool) -> str:
    text = shorten(a.label, 42)
    return f"P{a.piece_index} · {text}" if several_pieces else text


def _figure(height_in: float) -> Figure:
    # A bare Figure on the Agg canvas, not pyplot: no global state, no GUI backend, safe to
    # draw from a worker thread while the bot's event loop runs.
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


def _empty_chart(summary: WeeklySummary) -> bytes:
    fig = _figure(3.0)
    fig.text(0.5, 0.62, f"Weekly summary · {summary.iso_week}", ha="center", va="center",
             color=TEXT, fontsize=18, fontweight="bold")
    fig.text(0.5, 0.40, "No votes this week", ha="center", va="center", color=MUTED,
             fontsize=15)
    fig.text(0.5, 0.24, "Arguments show up here once members agree or disagree.",
             ha="center", va="center", color=MUTED, fontsize=11)
    return _png(fig)


def to_chart_png(summary: WeeklySummary) -> bytes:
    """PNG bytes of the chart (a friendly "no votes this week" card when nothing was voted)."""
    shown, voted = chart_arguments(summary)
    if not shown:
        return _empty_chart(summary)
    several = len({a.piece_id for a in summary.arguments}) > 1
    rows = len(shown)
    height = 2.05 + 0.42 * rows
    fig = _figure(height)
    top_margin = 1.3 / height  # title, subtitle, then the side labels: each on its own row
    bottom_margin = 0.55 / height
    ax = fig.add_axes((0.36, bottom_margin, 0.6, 1 - top_margin - bottom_margin))
    ax.set_facecolor(PANEL)

    ys = list(range(rows))[::-1]  # the most-voted argument on top
    agree = [a.agree for a in shown]
    disagree = [a.disagree for a in shown]
    ax.barh(ys, agree, color=AGREE, height=0.62, label="Agree", zorder=3)
    ax.barh(ys, [-d for d in disagree], color=DISAGREE, height=0.62, label="Disagree",
            zorder=3)
    reach = max(max(agree), max(disagree), 1)
    ax.set_xlim(-reach * 1.22, reach * 1.22)
    ax.axvline(0, color=MUTED, linewidth=1, zorder=4)
    _annotate(ax, ys, agree, disagree, reach)

    contested = summary.most_contested.argument_id if summary.most_contested else None
    labels = [("★ " if a.argument_id == contested else "") + _label(a, several) for a in shown]
    ax.set_yticks(ys, labels)
    for tick, a in zip(ax.get_yticklabels(), shown, strict=True):
        tick.set_color(CONTESTED if a.argument_id == contested else TEXT)
    ax.tick_params(axis="y", length=0, labelsize=10.5, pad=8)
    ax.tick_params(axis="x", colors=MUTED, labelsize=9)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):g}"))
    ax.grid(axis="x", color=GRID, linewidth=0.8, zorder=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))

    subtitle = (f"Top {rows} of {voted} voted arguments, by votes" if voted > rows
                else f"{voted} voted argument{'s' if voted != 1 else ''}")
    if contested is not None and any(a.argument_id == contested for a in shown):
        subtitle += " · ★ most contested"
    if several:
        subtitle += " · P1, P2…: the week's pieces in order"
    fig.text(0.02, 1 - 0.38 / height, f"Votes per argument · {summary.iso_week}",
             color=TEXT, fontsize=16, fontweight="bold", va="center")
    fig.text(0.02, 1 - 0.75 / height, subtitle, color=MUTED, fontsize=11, va="center")
    # Side labels instead of a legend: each colour is named where its bars grow. They sit a
    # fixed distance above the bars (not a fraction of the axes, which grows with the rows),
    # so they never reach the subtitle.
    for x, label, colour, align in ((0.0, "◀ Disagree", DISAGREE, "left"),
                                    (1.0, "Agree ▶", AGREE, "right")):
        ax.annotate(label, (x, 1.0), xycoords="axes fraction", xytext=(0, 4),
                    textcoords="offset points", color=colour, fontsize=12,
                    fontweight="bold", ha=align, va="bottom")
    return _png(fig)


def _annotate(ax: Axes, ys: Sequence[int], agree: Sequence[int],
              disagree: Sequence[int], reach: int) -> None:
    """Counts at the bar ends, so nobody has to read the axis."""
    pad = reach * 0.02
    for y, a, d in zip(ys, agree, disagree, strict=True):
        if a:
            ax.text(a + pad, y, str(a), va="center", ha="left", color=TEXT, fontsize=10,
                    zorder=5)
        if d:
            ax.text(-d - pad, y, str(d), va="center", ha="right", color=TEXT, fontsize=10,
                    zorder=5)
