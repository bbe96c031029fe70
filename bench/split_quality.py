"""Score the splitter against hand labels: did it find each argument where a reader would?

Each piece named in a labels file (``tests/articles/corpus/labels.json`` by default; see the
corpus README for the format) is read exactly as ``python -m bot preview FILE`` reads it and
split; its arguments are matched to the labelled ones by their opening words.

How an argument is matched to a label is in ``tests/articles/scoring.py``: by its opening
words, one to one, in order.

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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.articles.segment import segment  # noqa: E402
from bot.pipeline import read_file  # noqa: E402
from tests.articles.scoring import Score, score_piece  # noqa: E402

DEFAULT_LABELS = ROOT / "tests" / "articles" / "corpus" / "labels.json"
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
