"""The whole slash-command tree the bot uploads, walked against Discord's documented limits.

Written from Discord's "Application Commands" page rather than with the emulator's validator,
so a mistake in one is caught by the other; the emulator accepted the same upload when the
bot started (the ``world`` fixture), which is checked here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import World

pytestmark = pytest.mark.asyncio(loop_scope="module")

# "Registering a Command": names match this (lowercase where the script has case), 1-32.
NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
COMMAND_SIZE_MAX = 4000  # names, descriptions and choices of a command, all levels together
SUBCOMMAND, SUBCOMMAND_GROUP, STRING = 1, 2, 3
CHAT_INPUT, USER_MENU, MESSAGE_MENU = 1, 2, 3


def walk(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every command, group, subcommand and option, with a readable path."""
    yield path, node
    for option in node.get("options") or []:
        yield from walk(option, f"{path} {option['name']}")


def size(node: dict[str, Any]) -> int:
    total = len(node["name"]) + len(node.get("description") or "")
    for choice in node.get("choices") or []:
        total += len(choice["name"]) + len(str(choice["value"]))
    return total + sum(size(option) for option in node.get("options") or [])


def menu_faults(command: dict[str, Any]) -> list[str]:
    """A user or message command: a name of 1-32 characters in any case, spaces allowed, an
    empty description and no options."""
    found: list[str] = []
    name = command["name"]
    if not 1 <= len(name) <= 32 or name != name.strip():
        found.append(f"{name!r}: not a valid context menu name")
    if command.get("description"):
        found.append(f"{name!r}: a context menu command has no description")
    if command.get("options"):
        found.append(f"{name!r}: a context menu command has no options")
    return found


def faults(command: dict[str, Any]) -> list[str]:
    if command.get("type", CHAT_INPUT) in (USER_MENU, MESSAGE_MENU):
        return menu_faults(command)
    found: list[str] = []
    for path, node in walk(command, "/" + command["name"]):
        name, description = node["name"], node.get("description") or ""
        if not NAME.match(name) or name != name.lower():
            found.append(f"{path}: name {name!r} is not a valid command name")
        if command.get("type", CHAT_INPUT) == CHAT_INPUT and not (
                1 <= len(description) <= DESCRIPTION_MAX):
            found.append(f"{path}: description is {len(description)} characters "
                         f"(1-{DESCRIPTION_MAX})")
        options = node.get("options") or []
        if len(options) > OPTIONS_MAX:
            found.append(f"{path}: {len(options)} options (at most {OPTIONS_MAX})")
        names = [o["name"] for o in options]
        if len(set(names)) != len(names):
            found.append(f"{path}: option names repeat: {names}")
        values = [o for o in options if o["type"] not in (SUBCOMMAND, SUBCOMMAND_GROUP)]
        required = [bool(o.get("required")) for o in values]
        if required != sorted(required, reverse=True):
            found.append(f"{path}: a required option follows an optional one")
        if node.get("type") == SUBCOMMAND_GROUP and any(
                o["type"] != SUBCOMMAND for o in options):
            found.append(f"{path}: a group holds only subcommands")
        choices = node.get("choices") or []
        if len(choices) > CHOICES_MAX:
            found.append(f"{path}: {len(choices)} choices (at most {CHOICES_MAX})")
        if choices and node.get("autocomplete"):
            found.append(f"{path}: choices and autocomplete exclude each other")
        for choice in choices:
            if not 1 <= len(choice["name"]) <= CHOICE_NAME_MAX:
                found.append(f"{path}: choice name {choice['name']!r} is too long")
            if node["type"] == STRING and len(choice["value"]) > CHOICE_STRING_VALUE_MAX:
                found.append(f"{path}: choice value {choice['value']!r} is too long")
        for low, high, limit in (("min_length", "max_length", 6000),):
            for key in (low, high):
                if key in node and not 0 <= node[key] <= limit:
                    found.append(f"{path}: {key} {node[key]} is outside 0-{limit}")
    if size(command) > COMMAND_SIZE_MAX:
        found.append(f"/{command['name']}: {size(command)} characters in all (at most "
                     f"{COMMAND_SIZE_MAX})")
    return found


def uploaded(world: World) -> list[dict[str, Any]]:
    tree = world.bot.tree
    return [command.to_dict(tree) for command in tree.get_commands()]


async def test_every_command_option_and_choice_is_within_discords_limits(world: World) -> None:
    commands = uploaded(world)
    assert {c["name"] for c in commands} >= {"feed", "piece", "config", "summary", "counter",
                                             "mod", "modlog", "Remove contribution"}
    found = [fault for command in commands for fault in faults(command)]
    assert found == []


async def test_the_emulator_holds_exactly_what_the_bot_uploaded(world: World) -> None:
    registered = {(c["name"], c["type"]): c for c in world.emu.state.acting.global_commands}
    for command in uploaded(world):
        held = registered[command["name"], command.get("type", CHAT_INPUT)]
        assert held["description"] == command.get("description", "")
        assert held.get("options") == (command.get("options") or None)
    assert len(registered) == len(uploaded(world))


async def test_the_walk_finds_what_discord_refused() -> None:
    """The /feed add of the release that Discord refused at start: 103 characters."""
    refused = {"name": "feed", "description": "Follow feeds", "type": 1, "options": [{
        "type": SUBCOMMAND, "name": "add", "options": [],
        "description": "Follow a feed (or a page that links to one) in a channel; only entries "
                       "published from now on are posted"}]}
    assert faults(refused) == ["/feed add: description is 103 characters (1-100)"]
