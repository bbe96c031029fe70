"""INTERACTION_CREATE payloads from simulated members, and the record of how the bot answered.

Payload shapes follow Discord's "Interaction Object": a slash command carries ``data`` with the
command's id, name, type 1 and typed options (subcommand groups and subcommands nested,
channels/roles/users echoed in ``data.resolved``); a button carries ``custom_id`` and
``component_type`` plus the message it sits on; a modal submit carries the modal's
``custom_id`` and the text inputs in the modal's own layout.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import Channel, Member, Message, Role, User, _id

if TYPE_CHECKING:
    from .emulator import Emulator
    from .state import State

# Interaction types.
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
APPLICATION_COMMAND_AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# Callback types.
CHANNEL_MESSAGE_WITH_SOURCE = 4
DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9

# Application command types.
CHAT_INPUT = 1
USER_COMMAND = 2
MESSAGE_COMMAND = 3

# Application command option types.
OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_USER = 6
OPT_CHANNEL = 7
OPT_ROLE = 8
OPT_MENTIONABLE = 9
OPT_NUMBER = 10

# Discord's default upload limit for a guild without boosts, sent on every interaction.
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

#: How long a test waits, by default, for what should happen within milliseconds: a guard
#: against hanging forever, not a measurement (a loaded machine may take seconds).
PATIENCE = 30.0


@dataclass(eq=False)
class InteractionRecord:
    """One simulated interaction and everything the bot did with it.

    ``await record.wait_response()`` returns once the first callback has arrived. After that:
    ``callback_type`` / ``callback_data`` (the body's ``type`` and ``data``), ``message`` (the
    message a type 4/5 callback created, or the one a type 6/7 acts on), ``modal`` (type 9's
    data), ``choices`` (type 8), ``followups`` (messages sent through the webhook),
    ``original_edits`` (PATCH @original bodies) and ``original`` (the @original message now).
    """

    emulator: Emulator
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    member: Member
    source_message_id: int | None = None
    created_at: float = field(default_factory=time.monotonic)
    callback_type: int | None = None
    callback_data: dict[str, Any] | None = None
    original_message_id: int | None = None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    followup_ids: list[int] = field(default_factory=list)
    original_edits: list[dict[str, Any]] = field(default_factory=list)
    original_deleted: bool = False
    trigger_metadata: dict[str, Any] | None = None
    _responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    @property
    def state(self) -> State:
        return self.emulator.state

    def mark_responded(self) -> None:
        self._responded.set()

    # The brief's test API takes ``timeout=``; ASYNC109 prefers asyncio.timeout() at call sites.
    async def wait_response(self, timeout: float = PATIENCE) -> InteractionRecord:  # noqa: ASYNC109
        """Wait for the interaction's first callback (an event, no polling)."""
        try:
            await asyncio.wait_for(self._responded.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"the bot sent no callback for interaction {self.id} within {timeout}s"
            ) from None
        return self

    async def wait_for(
        self,
        predicate: Callable[[InteractionRecord], bool],
        timeout: float = PATIENCE,  # noqa: ASYNC109 - test API takes a timeout
    ) -> InteractionRecord:
        """Wait until ``predicate(record)`` holds, e.g. ``lambda r: len(r.followups) >= 2``."""
        await self.emulator.wait_for(lambda: predicate(self), timeout)
        return self

    @property
    def message(self) -> Message | None:
        if self.original_message_id is None:
            return None
        return self.state.messages.get(self.original_message_id)

    @property
    def original(self) -> Message | None:
        """The @original message as it is now (None if deleted or never created)."""
        return None if self.original_deleted else self.message

    @property
    def followups(self) -> list[Message]:
        return [self.state.messages[m] for m in self.followup_ids if m in self.state.messages]

    def metadata(self) -> dict[str, Any]:
        """``interaction_metadata`` for messages created through this interaction."""
        meta: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "user": self.member.user.to_dict(),
            "authorizing_integration_owners": {"0": str(self.member.guild.id)},
        }
        if self.original_message_id is not None:
            meta["original_response_message_id"] = str(self.original_message_id)
        if self.type == APPLICATION_COMMAND:
            data = self.payload["data"]
            meta["name"] = data["name"]
            meta["command_type"] = data.get("type", CHAT_INPUT)
            if data.get("type") == MESSAGE_COMMAND:
                meta["target_message_id"] = data["target_id"]
            elif data.get("type") == USER_COMMAND:
                meta["target_user"] = self.state.users[int(data["target_id"])].to_dict()
        elif self.type == MESSAGE_COMPONENT and self.source_message_id is not None:
            meta["interacted_message_id"] = str(self.source_message_id)
        elif self.type == MODAL_SUBMIT:
            meta["triggering_interaction_metadata"] = self.trigger_metadata or {
                "id": str(self.id),
                "type": APPLICATION_COMMAND,
                "user": self.member.user.to_dict(),
                "authorizing_integration_owners": {"0": str(self.member.guild.id)},
            }
        return meta


def new_token() -> str:
    # Real tokens are long opaque strings; this keeps the recognisable prefix.
    return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)


def base_payload(
    state: State,
    *,
    interaction_id: int,
    token: str,
    itype: int,
    member: Member,
    channel: Channel,
    data: dict[str, Any],
) -> dict[str, Any]:
    guild = channel.guild
    member_perms = guild.permissions_for(member, channel)
    return {
        "id": str(interaction_id),
        "application_id": str(state.acting.application_id),
        "type": itype,
        "token": token,
        "version": 1,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(channel.id),
        "channel": channel.to_dict() | {"permissions": str(member_perms)},
        "member": member.to_dict() | {"permissions": str(member_perms)},
        "app_permissions": str(state.bot_permissions(channel)),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }


# -- slash commands --------------------------------------------------------------------------


def split_path(name: str | Sequence[str]) -> list[str]:
    """ "feed add", ("feed", "add") or "feed" into the command path."""
    parts = name.split() if isinstance(name, str) else list(name)
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"a command path has 1 to 3 parts, not {parts!r}")
    return parts


def find_command(state: State, guild_id: int, name: str, kind: int = CHAT_INPUT
                 ) -> dict[str, Any] | None:
    """The synced command of type ``kind`` (chat input 1, user 2, message 3) called ``name``
    (guild commands shadow global ones)."""
    for cmd in [*state.acting.guild_commands.get(guild_id, []), *state.acting.global_commands]:
        if cmd["name"] == name and cmd.get("type", 1) == kind:
            return cmd
    return None


def _find_option(options: Iterable[dict[str, Any]] | None, name: str) -> dict[str, Any] | None:
    for opt in options or []:
        if opt.get("name") == name:
            return opt
    return None


# The option type of a Python value, tried in this order (a bool is an int too).
_OPTION_TYPES: tuple[tuple[type | tuple[type, ...], int], ...] = (
    (bool, OPT_BOOLEAN),
    (int, OPT_INTEGER),
    (float, OPT_NUMBER),
    (str, OPT_STRING),
    (Channel, OPT_CHANNEL),
    (Role, OPT_ROLE),
    ((Member, User), OPT_USER),
)


def _infer_type(state: State, guild_id: int, value: Any) -> int:
    for kinds, option_type in _OPTION_TYPES:
        if isinstance(value, kinds):
            return option_type
    # discord.py objects and anything else with an id: look the id up.
    obj_id = _id(value)
    if obj_id in state.channels:
        return OPT_CHANNEL
    if obj_id in state.guilds[guild_id].roles:
        return OPT_ROLE
    if obj_id in state.users:
        return OPT_USER
    raise TypeError(f"cannot tell the option type of {value!r}; sync the commands first")


def build_options(
    state: State,
    member: Member,
    channel: Channel,
    values: Mapping[str, Any],
    schema: Iterable[dict[str, Any]] | None,
    resolved: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    guild = channel.guild
    out: list[dict[str, Any]] = []
    for name, value in values.items():
        spec = _find_option(schema, name)
        otype = int(spec["type"]) if spec else _infer_type(state, guild.id, value)
        if otype == OPT_CHANNEL:
            target = state.channels[_id(value)]
            data = target.to_dict() | {"permissions": str(guild.permissions_for(member, target))}
            resolved.setdefault("channels", {})[str(target.id)] = data
            value = str(target.id)
        elif otype == OPT_ROLE:
            role = guild.roles[_id(value)]
            resolved.setdefault("roles", {})[str(role.id)] = role.to_dict()
            value = str(role.id)
        elif otype in (OPT_USER, OPT_MENTIONABLE):
            uid = _id(value)
            if otype == OPT_MENTIONABLE and uid in guild.roles:
                resolved.setdefault("roles", {})[str(uid)] = guild.roles[uid].to_dict()
            else:
                resolved.setdefault("users", {})[str(uid)] = state.users[uid].to_dict()
                if uid in guild.members:
                    m = guild.members[uid]
                    resolved.setdefault("members", {})[str(uid)] = m.to_dict(with_user=False) | {
                        "permissions": str(guild.permissions_for(m, channel))
                    }
            value = str(uid)
        elif otype == OPT_INTEGER:
            value = int(value)
        elif otype == OPT_NUMBER:
            value = float(value)
        elif otype == OPT_BOOLEAN:
            value = bool(value)
        elif otype == OPT_STRING:
            value = str(value)
        out.append({"name": name, "type": otype, "value": value})
    return out


def slash_data(
    state: State,
    member: Member,
    channel: Channel,
    name: str | Sequence[str],
    options: Mapping[str, Any] | None,
    *,
    focused: str | None = None,
) -> dict[str, Any]:
    """``data`` of a chat-input command; with ``focused``, of its autocomplete request."""
    path = split_path(name)
    guild_id = channel.guild.id
    command = find_command(state, guild_id, path[0])
    resolved: dict[str, dict[str, Any]] = {}
    schema = command.get("options") if command else None
    nest: list[tuple[str, int]] = []
    if len(path) == 3:
        group = _find_option(schema, path[1])
        sub = _find_option(group.get("options") if group else None, path[2])
        schema = sub.get("options") if sub else None
        nest = [(path[1], OPT_SUB_COMMAND_GROUP), (path[2], OPT_SUB_COMMAND)]
    elif len(path) == 2:
        sub = _find_option(schema, path[1])
        schema = sub.get("options") if sub else None
        nest = [(path[1], OPT_SUB_COMMAND)]
    leaf = build_options(state, member, channel, options or {}, schema, resolved)
    if focused is not None:
        for opt in leaf:
            if opt["name"] == focused:
                opt["focused"] = True
                break
        else:
            raise ValueError(f"the focused option {focused!r} is not among the options")
    for part, kind in reversed(nest):
        leaf = [{"name": part, "type": kind, "options": leaf}]
    # discord.py dispatches by name, so an unsynced command gets a stable made-up id.
    command_id = command["id"] if command else str(state.unsynced_command_id(path[0]))
    data: dict[str, Any] = {"id": command_id, "name": path[0], "type": 1}
    if leaf:
        data["options"] = leaf
    if resolved:
        data["resolved"] = resolved
    if command is not None and command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


def message_command_data(state: State, message: Message, name: str) -> dict[str, Any]:
    """``data`` of a message context-menu command (Apps → ``name`` on ``message``): the
    command's id, name and type 3, ``target_id`` and the message in ``resolved.messages``."""
    channel = state.channels[message.channel_id]
    command = find_command(state, channel.guild.id, name, MESSAGE_COMMAND)
    if command is None:
        raise ValueError(f"no message command {name!r} is synced")
    data: dict[str, Any] = {
        "id": command["id"], "name": name, "type": MESSAGE_COMMAND,
        "target_id": str(message.id),
        "resolved": {"messages": {str(message.id): message.to_dict(state)}},
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    return data


# -- components and modals -------------------------------------------------------------------


def find_component(message: Message, custom_id: str) -> dict[str, Any] | None:
    def walk(items: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
        for comp in items:
            if comp.get("custom_id") == custom_id:
                return comp
            for child in [
                *(comp.get("components") or []),
                comp.get("accessory"),
                comp.get("component"),
            ]:
                if isinstance(child, dict):
                    hit = walk([child])
                    if hit is not None:
                        return hit
        return None

    return walk(message.components)


def component_data(
    message: Message, custom_id: str, values: Sequence[str] | None
) -> dict[str, Any]:
    comp = find_component(message, custom_id)
    if comp is None:
        raise ValueError(
            f"message {message.id} has no component {custom_id!r}; it has {message.custom_ids()}"
        )
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
    if isinstance(comp.get("id"), int):
        data["id"] = comp["id"]
    if values is not None or comp["type"] in (3, 5, 6, 7, 8):
        data["values"] = list(values or [])
    return data


def modal_components(
    modal: dict[str, Any] | None, values: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Submitted components in the layout of the modal the bot sent (action rows or labels);
    without a known modal, one action row per value."""
    if modal is None:
        return [
            {"type": 1, "components": [{"type": 4, "custom_id": cid, "value": value}]}
            for cid, value in values.items()
        ]

    def submit(comp: dict[str, Any]) -> dict[str, Any] | None:
        cid = comp.get("custom_id")
        if cid is None:
            return None
        out: dict[str, Any] = {"type": comp["type"], "custom_id": cid}
        if isinstance(comp.get("id"), int):
            out["id"] = comp["id"]
        if comp["type"] == 4:
            out["value"] = str(values.get(cid, comp.get("value") or ""))
        else:
            raw: Any = values.get(cid, [])
            out["values"] = [raw] if isinstance(raw, str) else list(raw)
        return out

    result: list[dict[str, Any]] = []
    for i, top in enumerate(modal.get("components", []), start=1):
        if top.get("type") == 1:
            children = [c for c in (submit(c) for c in top.get("components", [])) if c]
            result.append({"type": 1, "id": top.get("id", i), "components": children})
        elif top.get("type") == 18 and isinstance(top.get("component"), dict):
            inner = submit(top["component"])
            if inner is not None:
                result.append({"type": 18, "id": top.get("id", i), "component": inner})
    return result
