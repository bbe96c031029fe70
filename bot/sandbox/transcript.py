"""What the sandbox prints: the channel, its threads and what members did, as a member of
the server would see them, and what another client needs to connect."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence

from bot.emulator import BotIdentity, Message, Thread
from bot.sandbox.members import Sandbox, bot_messages, buttons, labels

#: The transcript's width: lines are broken at spaces only, so links stay whole.
WIDTH = 96

# --- the transcript --------------------------------------------------------------------------

def wrap(text: str, indent: str, *, first: str | None = None) -> list[str]:
    """``text`` in lines of ``WIDTH``, broken only at spaces: a link stays whole on its line
    (however long), so it can be copied."""
    flat = " ".join(text.split())
    return textwrap.wrap(flat, WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [indent]


def paragraphs(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += wrap(paragraph, indent) if paragraph.strip() else [""]
    return lines


def render_card(box: Sandbox, message: Message) -> list[str]:
    lines = []
    for embed in message.embeds:
        lines.append(f"  ┃ {named(box, embed.get('title', ''))}")
        if embed.get("url"):
            lines.append(f"  ┃ {embed['url']}")
        for item in embed.get("fields", []):
            lines.append(f"  ┃ {item['name']}: {named(box, item['value'])}")
        lines += [f"  ┃ {line.strip()}" if line.strip() else "  ┃"
                  for line in paragraphs(named(box, embed.get("description", "")), "")]
        if embed.get("footer"):
            lines.append(f"  ┃ — {embed['footer'].get('text', '')}")
    return lines


TIMESTAMP = re.compile(r"<t:\d+:[tTdDfFR]>")
_MENTION = re.compile(r"<(@!?|#|@&)(\d+)>")


def named(box: Sandbox, text: str) -> str:
    """Mentions as a Discord client shows them: ``<@id>`` becomes ``@name``, ``<#id>``
    ``#channel``, ``<@&id>`` ``@role``; one it does not know stays as it is."""
    state = box.emu.state

    def shown(match: re.Match[str]) -> str:
        kind, snowflake = match[1], int(match[2])
        if kind == "#":
            channel = state.channels.get(snowflake)
            return f"#{channel.name}" if channel is not None else match[0]
        if kind == "@&":
            guild = box.emu.channel(box.channel).guild
            role = guild.roles.get(snowflake)
            return f"@{role.name}" if role is not None else match[0]
        user = state.users.get(snowflake)
        return f"@{user.username}" if user is not None else match[0]

    return _MENTION.sub(shown, text)


def render_thread(box: Sandbox, thread: Thread) -> list[str]:
    lines = [f"# {thread.name}"]
    messages = bot_messages(box, thread)
    openings = [m for m in messages if not _is_contribution(m)]
    for message in openings:
        lines += paragraphs(named(box, message.content or ""), "    ")
    if openings and buttons(openings[-1]):
        lines.append("    " + "  ".join(f"[{label}]" for label in labels(openings[-1])))
    for message in messages:
        if _is_contribution(message):
            lines.append("")
            body = paragraphs(named(box, message.content or ""), "        ")
            lines += ["      ↳ " + body[0].lstrip(), *body[1:]]
            lines.append("        " + "  ".join(f"[{label}]" for label in labels(message)))
    return lines


def _is_contribution(message: Message) -> bool:
    return any(str(b.get("custom_id", "")).startswith("cp:r:") for b in buttons(message))


def transcript(box: Sandbox, posted_reply: str, threads: Iterable[Thread],
               summary_markdown: str) -> str:
    cards = [m for m in box.emu.messages(box.channel) if m.embeds]
    lines = [
        "Counterpoint sandbox: the real bot on a local Discord emulator (no token, no network)",
        "",
        f"/piece post by {box.moderator.name} → {named(box, posted_reply)}",
        "",
        f"#{box.channel.name}",
    ]
    for card in cards:
        lines += render_card(box, card)
    for thread in threads:
        lines.append("")
        lines += render_thread(box, thread)
    lines += ["", "What members did, in order (the totals after each click are those of what "
                  "was clicked):"]
    for entry in box.log:
        lines += wrap(named(box, entry), "    ", first="  - ")
    lines += ["", "Weekly summary (/summary):", ""] + [
        f"  {line}" if line else "" for line in summary_markdown.splitlines()]
    return "\n".join(lines).rstrip() + "\n"


def connection_details(box: Sandbox, threads: Sequence[Thread], client: BotIdentity) -> str:
    """What another client needs to connect to the running sandbox (``--keep``): as the
    Counterpoint bot itself, or as a bot of its own (``client``, added for it)."""
    guild = box.emu.channel(box.channel).guild
    lines = [
        "Still running, until Ctrl-C. To connect another client (the sandbox's Discord takes",
        "any bot token below; point the client's REST base and gateway at these URLs):",
        f"  REST base URL:      {box.emu.rest_url}",
        f"  Gateway URL:        {box.emu.gateway_url}",
        f"  Guild:              {guild.id} ({guild.name})",
        f"  Channel:            {box.channel.id} (#{box.channel.name})",
        *(f"  Thread:             {t.id} ({t.name})" for t in threads),
        *(f"  Member:             {m.user.id} ({m.user.username}"
          f"{', moderator' if m is box.moderator else ''})" for m in [box.moderator, *box.members]),
        f"  Feed:               {box.site.feed_url}",
        "  As the Counterpoint bot (sharing its session's events):",
        f"    Bot token:        {box.emu.token}",
        f"    Application id:   {box.emu.application_id}",
        "  As a bot of its own (its own user, commands and gateway session):",
        f"    Bot token:        {client.token}",
        f"    Application id:   {client.application_id}",
    ]
    return "\n".join(lines)


