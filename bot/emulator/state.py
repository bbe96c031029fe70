"""The emulator's store and every mutation the REST routes and the test API make.

Mutations record what changed (message histories) and announce it through two hooks the
:class:`~bot.emulator.Emulator` wires up: ``emit`` sends a gateway dispatch to connected
sessions, ``changed`` wakes tests waiting on a condition.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import permissions as perms
from .errors import (
    MAX_ACTIVE_THREADS,
    THREAD_ALREADY_CREATED,
    UNKNOWN_CHANNEL,
    UNKNOWN_MESSAGE,
    APIError,
    FormErrors,
    not_found,
)
from .models import (
    FLAG_HAS_THREAD,
    FLAG_LOADING,
    GUILD_FORUM,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    Snowflakes,
    Thread,
    User,
    UserBacked,
    _id,
)

if TYPE_CHECKING:
    from .interactions import InteractionRecord

# Gateway intent bits that gate the dispatches the emulator sends.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9

# Message types (Discord's "Message Types").
MT_DEFAULT = 0
MT_REPLY = 19
MT_THREAD_CREATED = 18
MT_THREAD_STARTER = 21
SYSTEM_TYPES = (MT_THREAD_CREATED, MT_THREAD_STARTER)

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    index: int
    filename: str
    data: bytes
    content_type: str | None


EmitHook = Callable[[str, dict[str, Any], "int | None", int], None]


@dataclass(eq=False)
class BotIdentity(UserBacked):
    """One application and its bot user, as a token stands for them on Discord: who a REST
    call or a gateway session acts as, and the commands that application registered."""

    token: str
    user: User
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    guild_commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def application_id(self) -> int:
        # Modern applications share their id with their bot user.
        return self.user.id


#: The bot the code running now acts for: set around each REST call (by its token, or by the
#: interaction a token route belongs to) and by :meth:`State.acting_as`; the first bot if unset.
_acting: ContextVar[BotIdentity | None] = ContextVar("emulator_acting_bot", default=None)


class State:
    def __init__(self, *, token: str, bot_name: str = "Counterpoint") -> None:
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.owner = self.add_user("app-owner")
        #: The bot the emulator was made for, then any added by :meth:`add_bot`, by token.
        self.primary = BotIdentity(token, self.add_user(bot_name, bot=True))
        self.bots: dict[str, BotIdentity] = {token: self.primary}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.histories: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self._unsynced_ids: dict[str, int] = {}
        # Discord caps active (unarchived) threads per guild at 1000 (error 160006).
        self.max_active_threads = 1000
        self.attachment_base = "http://127.0.0.1/attachments"
        self.emit: EmitHook = lambda event, data, guild_id, intent: None
        self.changed: Callable[[], None] = lambda: None

    # -- bots --------------------------------------------------------------------------------

    @property
    def acting(self) -> BotIdentity:
        """The bot the current REST call, session or test block acts as."""
        return _acting.get() or self.primary

    @contextmanager
    def acting_as(self, bot: BotIdentity) -> Iterator[BotIdentity]:
        reset = _acting.set(bot)
        try:
            yield bot
        finally:
            _acting.reset(reset)

    def bot_for_token(self, token: str | None) -> BotIdentity | None:
        """The bot a token (``Bot `` prefix or not) authenticates, None if no bot's."""
        if not token:
            return None
        return self.bots.get(token.removeprefix("Bot "))

    def bot_for_application(self, application_id: int | str | None) -> BotIdentity | None:
        return next((b for b in self.bots.values()
                     if str(b.application_id) == str(application_id)), None)

    def add_bot(self, name: str, *, bot_permissions: int | None = None) -> BotIdentity:
        """Another application with a bot user and a token of its own, in every guild (now
        and later) with a managed role, as if invited with ``bot_permissions``."""
        bot = BotIdentity(f"emulator-{secrets.token_urlsafe(24)}", self.add_user(name, bot=True))
        self.bots[bot.token] = bot
        for guild in self.guilds.values():
            self._join(guild, bot, bot_permissions)
            self.member_added(guild.members[bot.user.id])
        self.changed()
        return bot

    def _join(self, guild: Guild, bot: BotIdentity, bot_permissions: int | None) -> None:
        role = Role(
            self.ids.next(),
            guild,
            bot.name,
            perms.DEFAULT_BOT if bot_permissions is None else bot_permissions,
            position=1,
            managed=True,
            bot_id=bot.user.id,
        )
        guild.roles[role.id] = role
        guild.members[bot.user.id] = Member(bot.user, guild, [role.id])

    # -- lookup ------------------------------------------------------------------------------

    def channel(self, channel_id: int | str | Any) -> Channel:
        try:
            return self.channels[_id(channel_id)]
        except (KeyError, ValueError):
            raise not_found(UNKNOWN_CHANNEL, "Channel") from None

    def message(self, channel: Channel, message_id: int | str) -> Message:
        try:
            msg = self.messages[int(message_id)]
        except (KeyError, ValueError):
            raise not_found(UNKNOWN_MESSAGE, "Message") from None
        if msg.channel_id != channel.id:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return msg

    def bot_permissions(self, channel: Channel) -> int:
        return channel.guild.permissions_for(self.acting.user.id, channel)

    def member(self, guild: Guild, user_id: int) -> Member | None:
        return guild.members.get(user_id)

    def unsynced_command_id(self, name: str) -> int:
        """A stable id for a command the bot never synced (discord.py dispatches by name)."""
        if name not in self._unsynced_ids:
            self._unsynced_ids[name] = self.ids.next()
        return self._unsynced_ids[name]

    # -- builders ----------------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False, created_at: float | None = None
                 ) -> User:
        """A user; ``created_at`` (Unix seconds) dates the account through its id."""
        user_id = self.ids.next() if created_at is None else self.ids.at(created_at)
        user = User(user_id, name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, bot_permissions: int | None = None, guild_id: int | None = None
    ) -> Guild:
        guild = Guild(self, guild_id or self.ids.next(), name, self.owner.id)
        guild.members[self.owner.id] = Member(self.owner, guild)
        for bot in self.bots.values():
            self._join(guild, bot, bot_permissions)
        self.guilds[guild.id] = guild
        self.emit(
            "GUILD_CREATE", guild.to_create_payload(all_members=False), guild.id, INTENT_GUILDS
        )
        self.changed()
        return guild

    def channel_added(self, channel: Channel) -> None:
        self.channels[channel.id] = channel
        self.channel_messages.setdefault(channel.id, [])
        if not channel.is_thread:
            self.emit("CHANNEL_CREATE", channel.to_dict(), channel.guild_id, INTENT_GUILDS)
        self.changed()

    def channel_changed(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.emit(event, channel.to_dict(), channel.guild_id, INTENT_GUILDS)
        self.changed()

    def role_added(self, role: Role) -> None:
        data = {"guild_id": str(role.guild.id), "role": role.to_dict()}
        self.emit("GUILD_ROLE_CREATE", data, role.guild.id, INTENT_GUILDS)
        self.changed()

    def member_added(self, member: Member) -> None:
        data = member.to_dict() | {"guild_id": str(member.guild.id)}
        self.emit("GUILD_MEMBER_ADD", data, member.guild.id, INTENT_GUILD_MEMBERS)
        self.changed()

    # -- messages ----------------------------------------------------------------------------

    def _mentions(
        self, channel: Channel, content: str, allowed: dict[str, Any] | None
    ) -> tuple[list[User], list[int], bool]:
        parse = {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse", []))
        explicit_users = {int(u) for u in (allowed or {}).get("users", [])}
        explicit_roles = {int(r) for r in (allowed or {}).get("roles", [])}
        users: list[User] = []
        for raw in _USER_MENTION.findall(content):
            uid = int(raw)
            allowed_user = "users" in parse or uid in explicit_users
            if uid in self.users and allowed_user and self.users[uid] not in users:
                users.append(self.users[uid])
        roles: list[int] = []
        for raw in _ROLE_MENTION.findall(content):
            rid = int(raw)
            if rid in channel.guild.roles and ("roles" in parse or rid in explicit_roles):
                roles.append(rid)
        everyone = "everyone" in parse and ("@everyone" in content or "@here" in content)
        return users, roles, everyone

    def _attachments(
        self,
        channel: Channel,
        payload: dict[str, Any],
        files: list[UploadedFile],
        keep: list[Attachment] | None = None,
    ) -> list[Attachment]:
        """New attachments from ``files[n]`` (described by ``payload["attachments"]``) plus any
        existing ones an edit lists by id."""
        by_index = {f.index: f for f in files}
        described = payload.get("attachments")
        result: list[Attachment] = []
        existing = {a.id: a for a in keep or []}
        used: set[int] = set()
        if described is not None:
            for spec in described:
                raw_id = int(spec.get("id", -1))
                if raw_id in existing:
                    result.append(existing[raw_id])
                    continue
                upload = by_index.get(raw_id)
                if upload is None:
                    continue
                used.add(raw_id)
                result.append(
                    self._store_file(channel, upload, spec.get("filename"), spec.get("description"))
                )
        elif keep:
            result.extend(keep)
        for upload in files:
            if upload.index not in used:
                result.append(self._store_file(channel, upload, None, None))
        return result

    def _store_file(
        self, channel: Channel, upload: UploadedFile, filename: str | None, description: str | None
    ) -> Attachment:
        att_id = self.ids.next()
        name = filename or upload.filename
        return Attachment(
            att_id,
            name,
            upload.data,
            upload.content_type,
            description,
            url=f"{self.attachment_base}/{channel.id}/{att_id}/{name}",
        )

    def find_attachment(self, channel_id: int, attachment_id: int) -> Attachment | None:
        for mid in self.channel_messages.get(channel_id, []):
            for att in self.messages[mid].attachments:
                if att.id == attachment_id:
                    return att
        return None

    def create_message(
        self,
        channel: Channel,
        author: User,
        payload: dict[str, Any],
        files: list[UploadedFile] | None = None,
        *,
        message_id: int | None = None,
        type: int = MT_DEFAULT,
        webhook_id: int | None = None,
        interaction_metadata: dict[str, Any] | None = None,
        extra_flags: int = 0,
        announce: bool = True,
    ) -> Message:
        files = files or []
        reference = payload.get("message_reference")
        if reference is not None and reference.get("message_id") is not None:
            ref_channel = int(reference.get("channel_id") or channel.id)
            ref = self.messages.get(int(reference["message_id"]))
            if ref is None or ref.channel_id != ref_channel:
                if reference.get("fail_if_not_exists", True):
                    errors = FormErrors()
                    errors.add(
                        ("message_reference",),
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                    errors.raise_if_any()
                reference = None
            else:
                reference = {
                    "type": int(reference.get("type", 0)),
                    "channel_id": str(ref.channel_id),
                    "message_id": str(ref.id),
                    "guild_id": str(channel.guild_id),
                }
                if type == MT_DEFAULT:
                    type = MT_REPLY
        content = payload.get("content") or ""
        allowed = payload.get("allowed_mentions")
        mentions, mention_roles, everyone = self._mentions(channel, content, allowed)
        msg = Message(
            id=message_id if message_id is not None else self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=content,
            embeds=normalize_embeds(payload.get("embeds") or []),
            components=number_components(payload.get("components") or []),
            attachments=self._attachments(channel, payload, files),
            type=type,
            flags=(int(payload.get("flags") or 0) | extra_flags),
            tts=bool(payload.get("tts", False)),
            message_reference=reference,
            mentions=mentions,
            mention_roles=mention_roles,
            mention_everyone=everyone,
            allowed_mentions=allowed,
            webhook_id=webhook_id,
            application_id=self.acting.application_id if webhook_id is not None else None,
            interaction_metadata=interaction_metadata,
            nonce=payload.get("nonce"),
        )
        self.messages[msg.id] = msg
        if msg.ephemeral:
            # Only the invoking member sees it: not part of the channel's history.
            self.histories[msg.id] = [msg.to_dict(self)]
            self.changed()
            return msg
        self.channel_messages.setdefault(channel.id, []).append(msg.id)
        channel.last_message_id = msg.id
        if isinstance(channel, Thread) and msg.id != channel.id and type not in SYSTEM_TYPES:
            channel.message_count += 1
            channel.total_message_sent += 1
            msg.position = channel.total_message_sent
        self.histories[msg.id] = [msg.to_dict(self)]
        if announce:
            self._announce_message("MESSAGE_CREATE", msg)
        self.changed()
        return msg

    def _announce_message(self, event: str, msg: Message) -> None:
        if msg.ephemeral:
            return  # ephemeral messages reach only the invoking user, never the bot's gateway
        data = msg.to_dict(self) | {"guild_id": str(msg.guild_id)}
        if msg.guild_id is not None:
            guild = self.guilds[msg.guild_id]
            member = guild.members.get(msg.author.id)
            if member is not None:
                data["member"] = member.to_dict(with_user=False)
        self.emit(event, data, msg.guild_id, INTENT_GUILD_MESSAGES)

    def edit_message(
        self,
        msg: Message,
        payload: dict[str, Any],
        files: list[UploadedFile] | None = None,
    ) -> Message:
        channel = self.channels[msg.channel_id]
        if "content" in payload:
            msg.content = payload["content"] or ""
            msg.mentions, msg.mention_roles, msg.mention_everyone = self._mentions(
                channel, msg.content, payload.get("allowed_mentions", msg.allowed_mentions)
            )
        if "embeds" in payload:
            msg.embeds = normalize_embeds(payload["embeds"] or [])
        if "components" in payload:
            msg.components = number_components(payload["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            # Only SUPPRESS_EMBEDS (and v2) may be toggled on edit; ephemeral stays as it was.
            msg.flags = (msg.flags & (1 << 6)) | int(payload["flags"])
        if "attachments" in payload or files:
            msg.attachments = self._attachments(channel, payload, files or [], keep=msg.attachments)
        msg.flags &= ~FLAG_LOADING
        msg.edited_at = time.time()
        self.histories[msg.id].append(msg.to_dict(self))
        self._announce_message("MESSAGE_UPDATE", msg)
        self.changed()
        return msg

    def delete_message(self, msg: Message) -> None:
        self.messages.pop(msg.id, None)
        ids = self.channel_messages.get(msg.channel_id, [])
        if msg.id in ids:
            ids.remove(msg.id)
        channel = self.channels.get(msg.channel_id)
        if isinstance(channel, Thread) and msg.type not in SYSTEM_TYPES and msg.id != channel.id:
            channel.message_count = max(0, channel.message_count - 1)
        if not msg.ephemeral:
            data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
            self.emit("MESSAGE_DELETE", data, msg.guild_id, INTENT_GUILD_MESSAGES)
        self.changed()

    # -- threads -----------------------------------------------------------------------------

    def create_thread(
        self,
        parent: Channel,
        owner: User,
        payload: dict[str, Any],
        *,
        starter: Message | None = None,
        thread_id: int | None = None,
    ) -> Thread:
        if starter is not None and starter.thread_id is not None:
            raise APIError(
                400, THREAD_ALREADY_CREATED, "A thread has already been created for this message"
            )
        active = sum(1 for t in parent.guild.threads.values() if not t.archived)
        if active >= self.max_active_threads:
            raise APIError(400, MAX_ACTIVE_THREADS, "Maximum number of active threads reached")
        kind = PUBLIC_THREAD
        if parent.type != GUILD_FORUM and starter is None:
            # The REST default for a thread without a message is a private thread.
            kind = int(payload.get("type") or PRIVATE_THREAD)
        tid = thread_id or (starter.id if starter is not None else self.ids.next())
        now = time.time()
        thread = Thread(
            id=tid,
            guild=parent.guild,
            name=payload["name"],
            type=kind,
            parent_id=parent.id,
            rate_limit_per_user=int(payload.get("rate_limit_per_user") or 0),
            owner_id=owner.id,
            auto_archive_duration=int(
                payload.get("auto_archive_duration") or parent.default_auto_archive_duration
            ),
            invitable=bool(payload.get("invitable", True)),
            created_at=now,
            archive_timestamp=now,
            member_ids={owner.id},
            applied_tags=[int(t) for t in payload.get("applied_tags") or []],
            starter_message_id=starter.id if starter is not None else None,
        )
        parent.guild.threads[thread.id] = thread
        self.channels[thread.id] = thread
        self.channel_messages[thread.id] = []
        create = thread.to_dict() | {"newly_created": True}
        self.emit("THREAD_CREATE", create, parent.guild_id, INTENT_GUILDS)
        if starter is not None:
            starter.thread_id = thread.id
            starter.flags |= FLAG_HAS_THREAD
            self.histories[starter.id].append(starter.to_dict(self))
            # Discord opens a thread started from a message with a THREAD_STARTER_MESSAGE.
            self.create_message(
                thread,
                owner,
                {
                    "message_reference": {
                        "channel_id": str(parent.id),
                        "message_id": str(starter.id),
                    }
                },
                type=MT_THREAD_STARTER,
            )
            self._announce_message("MESSAGE_UPDATE", starter)
        elif parent.type != GUILD_FORUM and kind == PUBLIC_THREAD:
            # A public thread without a message is announced in its parent (THREAD_CREATED).
            notice = self.create_message(
                parent,
                owner,
                {"content": thread.name},
                type=MT_THREAD_CREATED,
            )
            notice.message_reference = {
                "type": 0,
                "channel_id": str(thread.id),
                "guild_id": str(parent.guild_id),
            }
            self.histories[notice.id][-1] = notice.to_dict(self)
        self.changed()
        return thread

    def threads_of(self, parent_id: int) -> list[Thread]:
        return [
            c for c in self.channels.values() if isinstance(c, Thread) and c.parent_id == parent_id
        ]


def normalize_embeds(embeds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Embeds as Discord returns them: ``type`` "rich" and every field's ``inline`` present."""
    result = []
    for embed in embeds:
        out = dict(embed)
        out.setdefault("type", "rich")
        if "fields" in out:
            out["fields"] = [
                {"name": f["name"], "value": f["value"], "inline": bool(f.get("inline", False))}
                for f in out["fields"]
            ]
        result.append(out)
    return result


def number_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every component Discord's numeric ``id`` (sequential, depth first) if it has none."""
    counter = 0
    used = set()

    def collect(items: list[dict[str, Any]]) -> None:
        for comp in items:
            if isinstance(comp.get("id"), int):
                used.add(comp["id"])
            collect(comp.get("components") or [])
            for key in ("accessory", "component"):
                if isinstance(comp.get(key), dict):
                    collect([comp[key]])

    def assign(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nonlocal counter
        out = []
        for comp in items:
            comp = dict(comp)
            if not isinstance(comp.get("id"), int):
                counter += 1
                while counter in used:
                    counter += 1
                comp["id"] = counter
            if comp.get("components"):
                comp["components"] = assign(comp["components"])
            for key in ("accessory", "component"):
                if isinstance(comp.get(key), dict):
                    comp[key] = assign([comp[key]])[0]
            out.append(comp)
        return out

    collect(components)
    return assign(components)
