"""Request bodies as Discord checks them: 400 code 50035 with an ``errors`` tree, or 50006.

Two layers, reported together in one 50035 as Discord does:

* the operation's request schema from Discord's OpenAPI spec (:mod:`.openapi`): types,
  lengths, enums, required fields and nesting, with Discord's known differences from its spec;
* here, the documented rules a JSON schema cannot state: 6,000 characters across a message's
  embeds, non-empty embed fields, a button's ``custom_id`` or ``url`` by style, five action
  rows, five rows in a modal, ``allowed_mentions`` parse lists exclusive with id lists, and
  no empty message (50006, not 50035).

The REST routes validate every body against its operation's schema as they read it
(``RestApi._body``), then call the checks here for the rest.
"""

from __future__ import annotations

from typing import Any

from .errors import CANNOT_SEND_EMPTY_MESSAGE, APIError, FormErrors
from .openapi import operation_key, request_schemas

EMBED_TOTAL_MAX = 6000
ROWS_MAX = 5
APPLIED_TAGS_MAX = 5
MODAL_COMPONENTS_MAX = 5
BUTTON_LINK = 5
BUTTON_PREMIUM = 6

# Components v2 messages (flag IS_COMPONENTS_V2) lay out up to 40 components, no row limit.
FLAG_COMPONENTS_V2 = 1 << 15

#: Operations whose bodies are messages, for callers outside the REST routes (tests).
CREATE_MESSAGE = operation_key("POST", "/channels/{channel_id}/messages")
EDIT_MESSAGE = operation_key("PATCH", "/channels/{channel_id}/messages/{message_id}")
CREATE_THREAD_FROM_MESSAGE = operation_key(
    "POST", "/channels/{channel_id}/messages/{message_id}/threads")


def _text_length(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def embeds_length(embeds: list[Any]) -> int:
    """What Discord counts toward the 6,000: titles, descriptions, field names and values,
    footer texts and author names."""
    total = 0
    for embed in embeds:
        if not isinstance(embed, dict):
            continue
        total += _text_length(embed.get("title")) + _text_length(embed.get("description"))
        for part, key in (("footer", "text"), ("author", "name")):
            sub = embed.get(part)
            if isinstance(sub, dict):
                total += _text_length(sub.get(key))
        for fld in embed.get("fields") or []:
            if isinstance(fld, dict):
                total += _text_length(fld.get("name")) + _text_length(fld.get("value"))
    return total


def _check_embeds(errors: FormErrors, embeds: list[Any]) -> None:
    for i, embed in enumerate(embeds):
        fields = embed.get("fields") if isinstance(embed, dict) else None
        for j, fld in enumerate(fields if isinstance(fields, list) else []):
            # The spec requires both keys; Discord also refuses them empty.
            for key in ("name", "value"):
                if isinstance(fld, dict) and fld.get(key) == "":
                    errors.add(("embeds", i, "fields", j, key), "BASE_TYPE_REQUIRED",
                               "This field is required")
    if embeds_length(embeds) > EMBED_TOTAL_MAX:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED",
                   f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


def _check_button(errors: FormErrors, comp: dict[str, Any], path: tuple[str | int, ...]) -> None:
    """A link button needs a url, a premium button a sku, any other a custom_id."""
    if comp.get("type") != 2:
        return
    style = comp.get("style")
    if style == BUTTON_LINK and not comp.get("url"):
        errors.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
    elif style not in (BUTTON_LINK, BUTTON_PREMIUM) and not comp.get("custom_id"):
        errors.add((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")


def _check_components(errors: FormErrors, components: list[Any], *, v2: bool) -> None:
    if not v2 and len(components) > ROWS_MAX:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH",
                   f"Must be {ROWS_MAX} or fewer in length.")

    def walk(items: list[Any], path: tuple[str | int, ...]) -> None:
        for i, comp in enumerate(items):
            if not isinstance(comp, dict):
                continue
            cpath = (*path, i)
            _check_button(errors, comp, cpath)
            if isinstance(comp.get("accessory"), dict):
                _check_button(errors, comp["accessory"], (*cpath, "accessory"))
            if isinstance(comp.get("components"), list):
                walk(comp["components"], (*cpath, "components"))

    walk(components, ("components",))


def _schema(errors: FormErrors, operation: str | None, body: Any) -> None:
    if operation is not None:
        method, path = operation.split(" ", 1)
        request_schemas().check(method, path, body, errors)


def check_message(payload: dict[str, Any], *, file_count: int, require_body: bool = True,
                  operation: str | None = CREATE_MESSAGE) -> None:
    """Validate a message create or edit body; raise 50035 (or 50006 for an empty message).
    ``operation``: the operation whose schema applies too; the REST routes pass ``None``,
    having checked the schema as they read the body."""
    errors = FormErrors()
    _schema(errors, operation, payload)
    content = payload.get("content")
    embeds = payload.get("embeds")
    if isinstance(embeds, list):
        _check_embeds(errors, embeds)
    components = payload.get("components")
    if isinstance(components, list):
        flags = payload.get("flags")
        v2 = isinstance(flags, int) and bool(flags & FLAG_COMPONENTS_V2)
        _check_components(errors, components, v2=v2)
    am = payload.get("allowed_mentions")
    if isinstance(am, dict):
        parse = am.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and am.get(kind):
                errors.add(
                    ("allowed_mentions",),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
    errors.raise_if_any()
    if require_body and not (
        content
        or embeds
        or components
        or file_count
        or payload.get("sticker_ids")
        or payload.get("poll")
    ):
        raise APIError(400, CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")


def check_thread(payload: dict[str, Any], *,
                 operation: str | None = CREATE_THREAD_FROM_MESSAGE) -> None:
    """A thread's name (1-100) and archive duration, from the operation's schema."""
    errors = FormErrors()
    _schema(errors, operation, payload)
    errors.raise_if_any()


def check_modal(data: dict[str, Any]) -> None:
    """A type 9 callback's modal: 1 to 5 components (the schema allows the 40 of the newer
    label layouts; Discord's documentation still says five)."""
    errors = FormErrors()
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        errors.add(
            ("components",),
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
        )
    errors.raise_if_any()


# Application commands: what "Application Commands → Registering a Command" documents beyond
# the schema's lengths.
CHAT_INPUT = 1
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
COMMAND_SIZE_MAX = 4000


#: Context menu commands (user 2, message 3): at most five of each per application and scope.
USER_MENU = 2
MESSAGE_MENU = 3
MENUS_PER_TYPE_MAX = 5


def _check_menu(errors: FormErrors, command: dict[str, Any], i: int) -> None:
    """A user or message command: any case and spaces in its name (the schema bounds its
    length), an empty description and no options, as Discord requires."""
    if command.get("description"):
        errors.add((i, "description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                   "Context menu commands cannot have description")
    if command.get("options"):
        errors.add((i, "options"), "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                   "Context menu commands cannot have options")
    name = command.get("name")
    if isinstance(name, str) and name != name.strip():
        errors.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def _valid_command_name(name: str) -> bool:
    """``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, and lowercase where a lowercase
    form exists (the length is the schema's)."""
    return all(ch in "-_" or ch.isalnum() or ch.isdigit() for ch in name) and (
        name == name.lower())


def _command_size(node: dict[str, Any]) -> int:
    """The characters Discord counts toward a command's 4,000: names, descriptions and
    choice names and values, through every subcommand and group."""
    total = _text_length(node.get("name")) + _text_length(node.get("description"))
    for choice in node.get("choices") or []:
        if isinstance(choice, dict):
            total += _text_length(choice.get("name")) + len(str(choice.get("value", "")))
    for option in node.get("options") or []:
        if isinstance(option, dict):
            total += _command_size(option)
    return total


def _check_options(errors: FormErrors, options: Any, path: tuple[str | int, ...]) -> None:
    if not isinstance(options, list):
        return
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        opath = (*path, i)
        name = option.get("name")
        if isinstance(name, str):
            if not _valid_command_name(name):
                errors.add((*opath, "name"), "APPLICATION_COMMAND_INVALID_NAME",
                           "Command name is invalid")
            if name in seen:
                errors.add((*opath, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                           f"Option name {name} is already used in these options")
            seen.add(name)
        if option.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP):
            _check_options(errors, option.get("options"), (*opath, "options"))
        elif option.get("required"):
            if optional_seen:
                errors.add((*opath, "required"), "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                           "Required options must be placed before non-required options")
        else:
            optional_seen = True


def check_commands(commands: list[Any]) -> None:
    """A command list for ``PUT .../commands`` (the schema already checked): chat-input
    names lowercase, descriptions present, option names unique, required options first,
    and at most 4,000 characters per command."""
    errors = FormErrors()
    menus: dict[int, int] = {}
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            continue
        kind = command.get("type", CHAT_INPUT)
        if kind in (USER_MENU, MESSAGE_MENU):
            _check_menu(errors, command, i)
            menus[kind] = menus.get(kind, 0) + 1
            if menus[kind] == MENUS_PER_TYPE_MAX + 1:
                errors.add((i,), "APPLICATION_COMMANDS_TOO_MANY",
                           f"Maximum number of {'user' if kind == USER_MENU else 'message'} "
                           f"context menu commands reached ({MENUS_PER_TYPE_MAX})")
            continue
        if kind != CHAT_INPUT:
            continue
        name = command.get("name")
        if isinstance(name, str) and not _valid_command_name(name):
            errors.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if not command.get("description"):
            errors.add((i, "description"), "BASE_TYPE_BAD_LENGTH",
                       "Must be between 1 and 100 in length.")
        _check_options(errors, command.get("options"), (i, "options"))
        if _command_size(command) > COMMAND_SIZE_MAX:
            errors.add((i,), "APPLICATION_COMMAND_TOO_LARGE",
                       f"Command exceeds maximum size ({COMMAND_SIZE_MAX})")
    errors.raise_if_any()
