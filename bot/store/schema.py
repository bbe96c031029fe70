"""Versioned migrations: numbered ``.sql`` files per dialect, shipped inside the package.

``migrations/<dialect>/NNNN_name.sql``; the number is the version recorded in
``schema_migrations``. Files are read through ``importlib.resources`` so they work from a
wheel as well as from a checkout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The file split into statements (our files keep ``;`` only at statement ends)."""
        lines = [line for line in self.sql.splitlines() if not line.lstrip().startswith("--")]
        return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def load_migrations(dialect: str) -> list[Migration]:
    """Every migration of ``dialect`` (``sqlite`` / ``postgres``), by version."""
    folder = resources.files("bot.store").joinpath("migrations", dialect)
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions for {dialect}: {versions}")
    return found
