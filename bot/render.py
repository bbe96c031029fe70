"""Plain-text renderings of a ``Piece`` for terminals (``preview``, ``sandbox``)."""

from __future__ import annotations

import shutil
import textwrap
from functools import partial

from bot.articles.model import Piece
from bot.text import shorten

_EXCERPT_CHARS = 320


def _style(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render_piece_terminal(piece: Piece, *, color: bool = False, width: int | None = None,
                          explain: bool = False) -> str:
    """The piece as a reader skims it: heading, thesis, numbered arguments, conclusion; with
    ``explain``, how the splitter decided."""
    width = width or min(shutil.get_terminal_size((88, 24)).columns, 100)
    bold = partial(_style, code="1", color=color)
    dim = partial(_style, code="2", color=color)

    def wrap(text: str, indent: str = "") -> str:
        return textwrap.fill(text, width=width, initial_indent=indent,
                             subsequent_indent=indent)

    lines = [bold(piece.title or "(untitled piece)")]
    byline = " · ".join(part for part in (piece.author, piece.outlet, piece.url) if part)
    if byline:
        lines.append(dim(byline))
    lines += ["", bold("Thesis"), wrap(shorten(piece.thesis, _EXCERPT_CHARS), "  "), ""]

    count = len(piece.arguments)
    if count:
        heading = f"{count} argument{'s' if count != 1 else ''}"
        if piece.announced_count is not None and piece.announced_count != count:
            heading += f" (the piece announces {piece.announced_count})"
        heading += f", confidence {piece.confidence:.2f}"
        lines.append(bold(heading))
        for argument in piece.arguments:
            marker = dim(f"  [{argument.marker}]") if argument.marker else dim("  [unmarked]")
            lines.append(f"  {bold(f'{argument.number}.')} {argument.title}{marker}")
            lines.append(wrap(shorten(argument.text, _EXCERPT_CHARS), "     "))
            lines.append("")
    else:
        lines += [bold(f"No enumerated arguments (confidence {piece.confidence:.2f})"),
                  wrap("Counterpoint will open one thread for the whole piece.", "  "), ""]

    if piece.conclusion:
        lines += [bold("Conclusion"), wrap(shorten(piece.conclusion, _EXCERPT_CHARS), "  "), ""]
    for note in piece.notes:
        lines += [dim(wrap(f"Note: {note}", "")), ""]
    if explain:
        lines.append(bold("How it was read"))
        lines += [dim(f"  {line}") for line in piece.explanation] or [dim("  (nothing to say)")]
        lines.append("")
    if piece.removed_boilerplate:
        lines.append(dim(f"Removed {len(piece.removed_boilerplate)} boilerplate passage(s):"))
        lines += [dim(wrap(shorten(item, 100), "  - ")) for item in piece.removed_boilerplate]
    return "\n".join(lines).rstrip() + "\n"
