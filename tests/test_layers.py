"""Imports point one way: the Discord side (client, cogs, cogs.utils) depends on the core, never
the reverse, and cogs share code only through cogs.utils.

Read from the source with ``ast`` (every import, including those inside functions and under
``TYPE_CHECKING``), so an arrow the wrong way fails here before it can tangle the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Modules of ``bot`` that are the Discord side: the client, the process entry points that run
#: it (and ``doctor``, which connects as it does), and the emulator (a fake Discord that drives
#: discord.py). Everything else in ``bot`` is the core.
DISCORD_SIDE = ("bot.client", "bot.sandbox", "bot.doctor", "bot.health", "bot.__main__",
                "bot.emulator")


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def imports(path: Path, root: Path = ROOT) -> set[str]:
    """Every module ``path`` imports, absolute; ``from x import y`` counts as x and x.y."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def is_core(name: str) -> bool:
    return within(name, "bot") and not any(within(name, side) for side in DISCORD_SIDE)


def is_cog(name: str) -> bool:
    return within(name, "cogs") and not within(name, "cogs.utils") and name != "cogs"


def wrong_arrows(path: Path, root: Path = ROOT) -> list[str]:
    """Each import of ``path`` that points the wrong way, said in a line."""
    name = module_name(path, root)
    wrong = []
    for target in sorted(imports(path, root)):
        if is_core(name) and (within(target, "discord") or within(target, "cogs")
                              or any(within(target, side) for side in DISCORD_SIDE)):
            wrong.append(f"{name} (core) imports {target} (Discord side)")
        elif is_cog(name) and is_cog(target) and not within(target, name):
            wrong.append(f"{name} (a cog) imports {target} (another cog)")
        elif within(name, "cogs.utils") and is_cog(target):
            wrong.append(f"{name} (a helper) imports {target} (a cog)")
    return wrong


@pytest.mark.parametrize("path", modules("bot", "cogs"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_from_the_discord_side_to_the_core(path: Path) -> None:
    assert wrong_arrows(path) == []


def test_the_walk_sees_every_layer() -> None:
    # A walk that found nothing would pass everything.
    assert {"bot.client", "bot.store", "bot.pipeline", "cogs.feeds", "cogs.utils.replies"} <= {
        module_name(p) for p in modules("bot", "cogs")}
    assert is_core("bot.feeds.service") and is_core("bot.pace")
    assert not is_core("bot.client") and not is_core("bot.emulator.rest")
    assert is_cog("cogs.debate") and not is_cog("cogs.utils.controls")
    assert "cogs.utils.controls" in imports(ROOT / "bot" / "client.py")


def test_each_wrong_arrow_is_found_and_named(tmp_path: Path) -> None:
    cases = {
        "bot/feeds/poller.py": ("import discord\n", "bot.feeds.poller (core) imports discord"),
        "bot/debate/rules.py": ("def f():\n    from cogs.utils.replies import reply\n",
                                "bot.debate.rules (core) imports cogs.utils.replies"),
        "cogs/admin.py": ("from cogs.summaries import SCHEDULE\n",
                          "cogs.admin (a cog) imports cogs.summaries (another cog)"),
        "cogs/utils/checks.py": ("from ..feeds import Feeds\n",
                                 "cogs.utils.checks (a helper) imports cogs.feeds (a cog)"),
    }
    for relative, (source, expected) in cases.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        found = wrong_arrows(path, tmp_path)
        assert any(line.startswith(expected) for line in found), (relative, found)
    fine = tmp_path / "cogs" / "pieces.py"
    fine.write_text("import discord\nfrom bot.store import Store\nfrom cogs.utils import checks\n",
                    encoding="utf-8")
    assert wrong_arrows(fine, tmp_path) == []


#: A module a maintainer can read in one sitting (issue 11); the emulator, a fake Discord, is
#: exempt, as are the tests.
MAX_MODULE_LINES = 600


@pytest.mark.parametrize("path", sorted(
    p for package in ("bot", "cogs") for p in (ROOT / package).rglob("*.py")
    if "emulator" not in p.relative_to(ROOT).parts), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outgrows_a_sitting(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it"
