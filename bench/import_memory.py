"""Benchmark: resident memory that importing the poller's libraries costs, against reader's.

Each row runs in a fresh interpreter: the resident set after importing the given modules in
order, less a bare interpreter's. It separates what the stack costs before a line of ours runs
(asyncio, aiohttp, feedparser, aiosqlite, lxml) from what our modules add, and shows the same
for the ``reader`` library (``pip install -e '.[bench]'``), the peer of ``bench/poll.py``.

    .venv/bin/python bench/import_memory.py

The last line is one JSON object: ``stack_mb`` (the libraries the poller must import),
``ours_mb`` (the poller's own modules on top), ``discord_mb`` (discord.py on top of both,
which the bot imports anyway) and ``reader_mb`` (requests, feedparser, sqlite3 and reader),
each measured from a bare interpreter's ``base_mb``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imported in this order; each row's figure includes the rows before it in its group.
STACK = ("asyncio", "ssl", "aiohttp", "feedparser", "aiosqlite", "lxml.html")
OURS = ("bot.feeds.service", "bot.store.sqlite")
READER = ("requests", "feedparser", "sqlite3", "reader")

_CHILD = """
import importlib, sys
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
for name in sys.argv[1:]:
    if name != "-":
        importlib.import_module(name)
print(rss())
"""


def resident_mb(modules: tuple[str, ...]) -> float:
    """Resident MB of a fresh interpreter after importing ``modules``."""
    out = subprocess.run([sys.executable, "-c", _CHILD, "-", *modules], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    base = resident_mb(())
    print(f"bare interpreter: {base:.1f} MB")
    figures: dict[str, float] = {"base_mb": round(base, 1)}
    groups = (("stack_mb", (), STACK), ("ours_mb", STACK, OURS),
              ("discord_mb", STACK + OURS, ("discord",)), ("reader_mb", (), READER))
    for key, before, group in groups:
        start = resident_mb(before) if before else base
        for n in range(1, len(group) + 1):
            mb = resident_mb(before + group[:n])
            print(f"  {key[:-3]:8s} + {group[n - 1]:20s} {mb - start:5.1f} MB")
        figures[key] = round(mb - start, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
