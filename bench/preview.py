"""Benchmark ``python -m bot preview`` on hostile five-megabyte pieces of one paragraph.

Each piece is one paragraph of about 5 MB full of "First, ... Second, ... Finally, ..." (the
entry that took 55 s to segment before the splitter was made linear), written as a text file,
an HTML page and a Markdown file. Each is previewed by a fresh ``python -m bot preview FILE
--json`` process, as a user would run it, and timed from start to exit; the best of
``--runs`` is kept per format.

Usage: python bench/preview.py [--runs N]
The last line printed is one JSON object with ``preview_5mb_s`` (the slowest format's best
time, in seconds; the goal is under 2 s) and the time per format.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = 5_000_000
SENTENCES = ("First, the levy is unfair to the people who can least afford it. ",
             "Second, it arrives late, after the budget was set. ",
             "Finally, it costs more to collect than it raises. ",
             "There are three reasons, and (1) one, (2) two and (3) three of them matter. ")


def hostile_paragraph() -> str:
    unit = "".join(SENTENCES)
    return unit * (SIZE // len(unit))


def write_pieces(folder: Path) -> dict[str, Path]:
    body = hostile_paragraph()
    files = {
        "text": folder / "hostile.txt",
        "html": folder / "hostile.html",
        "markdown": folder / "hostile.md",
    }
    files["text"].write_text("A Levy Nobody Asked For\n\n" + body, encoding="utf-8")
    files["html"].write_text(
        "<!doctype html><html><head><title>A Levy Nobody Asked For</title></head><body>"
        f"<article><h1>A Levy Nobody Asked For</h1><p>{body}</p></article></body></html>",
        encoding="utf-8")
    files["markdown"].write_text(f"---\ntitle: A Levy Nobody Asked For\n---\n\n{body}\n",
                                 encoding="utf-8")
    return files


def preview_seconds(path: Path) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "preview", str(path), "--json"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        files = write_pieces(Path(scratch))
        for name, path in files.items():
            best = float("inf")
            for _ in range(args.runs):
                seconds, piece = preview_seconds(path)
                best = min(best, seconds)
            arguments = piece["arguments"]
            assert isinstance(arguments, list)
            print(f"{name:9} {path.stat().st_size / 1e6:.1f} MB: best {best:.2f} s over "
                  f"{args.runs} runs, {len(arguments)} arguments, notes {piece['notes']}")
            figures[f"{name}_s"] = round(best, 3)
    print(json.dumps({"preview_5mb_s": max(figures.values()), **figures}))


if __name__ == "__main__":
    main()
