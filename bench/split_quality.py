"""Score the splitter against hand labels: did it find each argument where a reader would?

Each piece named in a labels file (``tests/articles/corpus/labels.json`` by default; see the
corpus README for the format) is read exactly as ``python -m bot preview FILE`` reads it and
split; its arguments are matched to the labelled ones by their opening words.

An argument is found when the labelled opening words (markup and punctuation aside) appear at
its start; up to ``MARKER_SLACK`` words may stand before them, for a list's number or label
("1.", "Reason #2:") which labels leave out. Matching is one to one, in order.

Figures: precision, recall and F1 over all argument starts; ``exact_count``, the share of
pieces with as many arguments as labelled; ``false_arguments`` and ``false_pieces``, the
arguments given to pieces labelled as not enumerating, and how many such pieces got any;
``announced_ok`` and ``conclusion_ok``, the share of pieces whose announced count and
conclusion start match.

Usage: python bench/split_quality.py [--labels FILE ...] [--verbose] [--only NAME ...]
The last line printed is one JSON object with ``f1`` and the other figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.articles.model import Piece  # noqa: E402
from bot.articles.segment import segment  # noqa: E402
from bot.pipeline import read_file  # noqa: E402

DEFAULT_LABELS = ROOT / "tests" / "articles" / "corpus" / "labels.json"
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


def resolve(labels_file: Path, name: str) -> Path:
    for candidate in (labels_file.parent / "pieces" / name, labels_file.parent / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name}: not beside {labels_file}")


def run(labels_files: list[Path], *, verbose: bool, only: set[str]) -> Score:
    total = Score()
    for labels_file in labels_files:
        entries = json.loads(labels_file.read_text(encoding="utf-8"))["pieces"]
        for label in entries:
            name = label["file"]
            if only and name not in only and Path(name).stem not in only:
                continue
            try:
                piece = segment(read_file(resolve(labels_file, name)))
            except (OSError, ValueError) as error:
                total.add(Score(pieces=1, labelled=len(label["arguments"]), errors=1))
                print(f"ERROR {name}: {error}")
                continue
            score, problems = score_piece(piece, label)
            total.add(score)
            perfect = score.found == score.labelled == score.predicted
            if verbose and (problems or not perfect):
                print(f"{name}: found {score.found} of {score.labelled}, "
                      f"gave {score.predicted} (confidence {piece.confidence:.2f})")
                print("\n".join(problems))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, action="append",
                        help=f"a labels file (default: {DEFAULT_LABELS.relative_to(ROOT)})")
    parser.add_argument("--verbose", action="store_true", help="show every piece not perfect")
    parser.add_argument("--only", action="append", default=[], help="score only this piece")
    args = parser.parse_args()
    total = run(args.labels or [DEFAULT_LABELS], verbose=args.verbose, only=set(args.only))
    print(json.dumps(total.figures()))


if __name__ == "__main__":
    main()
