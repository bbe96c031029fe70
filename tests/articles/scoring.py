"""Scoring a splitter's reading against hand labels, for the corpus test and
``bench/split_quality.py`` (see ``tests/articles/corpus/README.md`` for the labels).

An argument is found when the labelled opening words (markup and punctuation aside) appear at
its start; up to ``MARKER_SLACK`` words may stand before them, for a list's number or label
("1.", "Reason #2:") which labels leave out. Matching is one to one, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.articles.model import Piece

MARKER_SLACK = 4
_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(text.casefold())


def starts_with(text: str, opening: str) -> bool:
    """Whether ``opening``'s words begin ``text``, after at most MARKER_SLACK other words."""
    want = words(opening)
    have = words(text[:len(opening) * 2 + 80])
    if not want:
        return False
    for skip in range(min(MARKER_SLACK, len(have)) + 1):
        if have[skip:skip + len(want)] == want:
            return True
    return False


@dataclass
class Score:
    found: int = 0
    predicted: int = 0
    labelled: int = 0
    pieces: int = 0
    exact: int = 0
    unenumerated: int = 0
    false_arguments: int = 0
    false_pieces: int = 0
    announced_ok: int = 0
    conclusion_ok: int = 0
    errors: int = 0

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, Any]:
        precision = self.found / self.predicted if self.predicted else 1.0
        recall = self.found / self.labelled if self.labelled else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

        def share(n: int) -> float:
            return round(n / self.pieces, 3) if self.pieces else 0.0

        return {"f1": round(f1, 3), "precision": round(precision, 3),
                "recall": round(recall, 3), "exact_count": share(self.exact),
                "false_arguments": self.false_arguments, "false_pieces": self.false_pieces,
                "unenumerated_pieces": self.unenumerated, "announced_ok": share(self.announced_ok),
                "conclusion_ok": share(self.conclusion_ok), "pieces": self.pieces,
                "arguments": self.labelled, "errors": self.errors}


def score_piece(piece: Piece, label: dict[str, Any]) -> tuple[Score, list[str]]:
    """The piece's score against its label, and what went wrong, for ``--verbose``."""
    wanted: list[str] = label["arguments"]
    got = [argument.text for argument in piece.arguments]
    score = Score(predicted=len(got), labelled=len(wanted), pieces=1)
    problems: list[str] = []
    matched: set[int] = set()
    cursor = 0
    for index, text in enumerate(got):
        hit = next((j for j in range(cursor, len(wanted))
                    if j not in matched and starts_with(text, wanted[j])), None)
        if hit is None:
            problems.append(f"  extra #{index + 1}: {text[:70]!r}")
        else:
            matched.add(hit)
            cursor = hit + 1
    problems += [f"  missed: {wanted[j]!r}" for j in range(len(wanted)) if j not in matched]
    score.found = len(matched)
    score.exact = int(len(got) == len(wanted))
    if not wanted:
        score.unenumerated = 1
        score.false_arguments = len(got)
        score.false_pieces = int(bool(got))
    score.announced_ok = int(piece.announced_count == label.get("announced_count"))
    if not score.announced_ok:
        problems.append(f"  announced {piece.announced_count}, "
                        f"labelled {label.get('announced_count')}")
    conclusion = label.get("conclusion")
    if conclusion is None:
        score.conclusion_ok = int(piece.conclusion is None or not wanted)
    else:
        score.conclusion_ok = int(piece.conclusion is not None
                                  and starts_with(piece.conclusion, conclusion))
    if not score.conclusion_ok:
        problems.append(f"  conclusion {str(piece.conclusion)[:50]!r}, labelled "
                        f"{conclusion!r}")
    return score, problems
