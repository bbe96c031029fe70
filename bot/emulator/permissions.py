"""Discord permission bits and the documented permission computation.

The algorithm is the one in Discord's "Permissions" topic: base permissions from @everyone and the
member's roles (administrator short-circuits), then channel overwrites in the order @everyone,
the member's roles (allows and denies combined), the member. Threads use their parent's
overwrites. Two implicit rules from the same page matter to the REST checks: a member without
VIEW_CHANNEL has no other channel permission, and without SEND_MESSAGES a text channel also
denies MENTION_EVERYONE, SEND_TTS_MESSAGES, ATTACH_FILES and EMBED_LINKS.
"""

from __future__ import annotations

from collections.abc import Iterable

# Bit positions as documented (and as discord.py's Permissions flags use them).
FLAGS: dict[str, int] = {
    "CREATE_INSTANT_INVITE": 1 << 0,
    "KICK_MEMBERS": 1 << 1,
    "BAN_MEMBERS": 1 << 2,
    "ADMINISTRATOR": 1 << 3,
    "MANAGE_CHANNELS": 1 << 4,
    "MANAGE_GUILD": 1 << 5,
    "ADD_REACTIONS": 1 << 6,
    "VIEW_AUDIT_LOG": 1 << 7,
    "PRIORITY_SPEAKER": 1 << 8,
    "STREAM": 1 << 9,
    "VIEW_CHANNEL": 1 << 10,
    "SEND_MESSAGES": 1 << 11,
    "SEND_TTS_MESSAGES": 1 << 12,
    "MANAGE_MESSAGES": 1 << 13,
    "EMBED_LINKS": 1 << 14,
    "ATTACH_FILES": 1 << 15,
    "READ_MESSAGE_HISTORY": 1 << 16,
    "MENTION_EVERYONE": 1 << 17,
    "USE_EXTERNAL_EMOJIS": 1 << 18,
    "VIEW_GUILD_INSIGHTS": 1 << 19,
    "CONNECT": 1 << 20,
    "SPEAK": 1 << 21,
    "MUTE_MEMBERS": 1 << 22,
    "DEAFEN_MEMBERS": 1 << 23,
    "MOVE_MEMBERS": 1 << 24,
    "USE_VAD": 1 << 25,
    "CHANGE_NICKNAME": 1 << 26,
    "MANAGE_NICKNAMES": 1 << 27,
    "MANAGE_ROLES": 1 << 28,
    "MANAGE_WEBHOOKS": 1 << 29,
    "MANAGE_GUILD_EXPRESSIONS": 1 << 30,
    "USE_APPLICATION_COMMANDS": 1 << 31,
    "REQUEST_TO_SPEAK": 1 << 32,
    "MANAGE_EVENTS": 1 << 33,
    "MANAGE_THREADS": 1 << 34,
    "CREATE_PUBLIC_THREADS": 1 << 35,
    "CREATE_PRIVATE_THREADS": 1 << 36,
    "USE_EXTERNAL_STICKERS": 1 << 37,
    "SEND_MESSAGES_IN_THREADS": 1 << 38,
    "USE_EMBEDDED_ACTIVITIES": 1 << 39,
    "MODERATE_MEMBERS": 1 << 40,
    "VIEW_CREATOR_MONETIZATION_ANALYTICS": 1 << 41,
    "USE_SOUNDBOARD": 1 << 42,
    "CREATE_GUILD_EXPRESSIONS": 1 << 43,
    "CREATE_EVENTS": 1 << 44,
    "USE_EXTERNAL_SOUNDS": 1 << 45,
    "SEND_VOICE_MESSAGES": 1 << 46,
    "SEND_POLLS": 1 << 49,
    "USE_EXTERNAL_APPS": 1 << 50,
    "PIN_MESSAGES": 1 << 51,
    "BYPASS_SLOWMODE": 1 << 52,
}

ALL = 0
for _bit in FLAGS.values():
    ALL |= _bit

ADMINISTRATOR = FLAGS["ADMINISTRATOR"]
VIEW_CHANNEL = FLAGS["VIEW_CHANNEL"]
SEND_MESSAGES = FLAGS["SEND_MESSAGES"]

# Removed implicitly when SEND_MESSAGES is missing in a text channel (documented).
_NEEDS_SEND = (
    FLAGS["MENTION_EVERYONE"]
    | FLAGS["SEND_TTS_MESSAGES"]
    | FLAGS["ATTACH_FILES"]
    | FLAGS["EMBED_LINKS"]
)

# What a fresh guild's @everyone role can do in the emulator: enough for members to read,
# talk, use threads and commands, so tests only describe the exceptions.
DEFAULT_EVERYONE = (
    FLAGS["VIEW_CHANNEL"]
    | FLAGS["SEND_MESSAGES"]
    | FLAGS["SEND_MESSAGES_IN_THREADS"]
    | FLAGS["CREATE_PUBLIC_THREADS"]
    | FLAGS["READ_MESSAGE_HISTORY"]
    | FLAGS["ADD_REACTIONS"]
    | FLAGS["EMBED_LINKS"]
    | FLAGS["ATTACH_FILES"]
    | FLAGS["USE_APPLICATION_COMMANDS"]
)

# What the bot's managed role grants by default: what an invite link for this bot would ask for.
DEFAULT_BOT = (
    DEFAULT_EVERYONE
    | FLAGS["MANAGE_THREADS"]
    | FLAGS["MANAGE_MESSAGES"]
    | FLAGS["CREATE_PRIVATE_THREADS"]
)


def value_of(perms: int | str | Iterable[str] | None) -> int:
    """Accept an int, a decimal string (Discord's wire form) or names (any case, with or
    without discord.py's lower-case spelling) and return the bit field."""
    if perms is None:
        return 0
    if isinstance(perms, int):
        return perms
    if isinstance(perms, str):
        if perms.isdigit():
            return int(perms)
        perms = [perms]
    total = 0
    for name in perms:
        key = name.upper()
        if key not in FLAGS:
            raise ValueError(f"unknown permission name {name!r}")
        total |= FLAGS[key]
    return total


def names_of(value: int) -> list[str]:
    """The permission names set in ``value``, for readable test failures."""
    return [name for name, bit in FLAGS.items() if value & bit]


def compute_base(*, everyone_perms: int, role_perms: Iterable[int], is_owner: bool) -> int:
    """Guild-level permissions: @everyone OR the member's roles; owner and admin get all."""
    if is_owner:
        return ALL
    perms = everyone_perms
    for p in role_perms:
        perms |= p
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def apply_overwrites(
    base: int,
    *,
    everyone: tuple[int, int] | None,
    roles: Iterable[tuple[int, int]],
    member: tuple[int, int] | None,
    send_bit: int | None = SEND_MESSAGES,
) -> int:
    """Channel permissions from ``base`` and the overwrites as (allow, deny) pairs.

    ``send_bit`` is the permission whose absence strips the send-dependent ones: SEND_MESSAGES
    in a text or forum channel, SEND_MESSAGES_IN_THREADS inside a thread, None for no rule.
    """
    if base & ADMINISTRATOR:
        return ALL
    perms = base
    if everyone is not None:
        allow, deny = everyone
        perms &= ~deny
        perms |= allow
    allow_all = 0
    deny_all = 0
    for allow, deny in roles:
        allow_all |= allow
        deny_all |= deny
    perms &= ~deny_all
    perms |= allow_all
    if member is not None:
        allow, deny = member
        perms &= ~deny
        perms |= allow
    if not perms & VIEW_CHANNEL:
        return 0
    if send_bit is not None and not perms & send_bit:
        perms &= ~_NEEDS_SEND
    return perms
