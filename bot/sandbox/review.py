"""The sandbox's second act: a feed piece held for review and approved by the moderator."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.emulator import InteractionRecord, Message
from bot.emulator.markup import render
from bot.sandbox.members import Sandbox, bot_messages, button_id, buttons, labels, reply_of
from bot.sandbox.running import TIMEOUT, SandboxError
from bot.sandbox.transcript import TIMESTAMP, named, paragraphs, render_card, wrap

# --- review before posting ----------------------------------------------------------------------

async def moderator_command(box: Sandbox, path: str, options: dict[str, Any]) -> str:
    """A moderator's slash command in #debates; its private reply."""
    record = await box.emu.run_slash_command(box.moderator, box.channel, path, options)
    await record.wait_response(timeout=TIMEOUT)
    await record.wait_for(lambda r: bool(answer_of(r)), TIMEOUT)
    return answer_of(record)


def answer_of(record: InteractionRecord) -> str:
    """What a deferred or direct reply finally says."""
    texts = [m.content for m in [record.original, *record.followups]
             if m is not None and m.content]
    return texts[-1] if texts else reply_of(record)


async def review_one(box: Sandbox) -> list[str]:
    """The feed's next piece, held for review and approved, as the moderator sees it."""
    if not box.site.later:
        return []
    guild = box.emu.channel(box.channel).guild
    reviews = guild.add_text_channel("reviews")
    policy = guild.add_text_channel("policy")
    lines = ["", "Review before posting: the moderator turns review on and follows the feed "
                 "into #policy; the feed's next piece waits in #reviews until approved.", ""]
    said = await moderator_command(box, "config review", {"mode": "on", "channel": reviews})
    lines += wrap(f"/config review mode:on channel:#reviews → {named(box, said)}", "    ",
                   first="  ")
    said = await moderator_command(box, "feed add", {"url": box.site.feed_url, "channel": policy})
    lines += wrap(f"/feed add channel:#policy → {named(box, said.splitlines()[0])}", "    ",
                   first="  ")
    box.site.publish(box.site.later.pop(0))
    feeds: Any = box.bot.get_cog("Feeds")
    review: Any = box.bot.get_cog("Review")
    # The next poll of the feed (its clock moved on to when it is due), and what the poll
    # loop's cycle event then does: the held piece's review message is posted.
    report = await feeds.poll_step(now=datetime.now(UTC) + timedelta(days=1))
    await review.on_feed_cycle(report)

    def shown() -> Message | None:
        return next((m for m in bot_messages(box, reviews) if buttons(m)), None)

    message = await box.emu.wait_for(shown, TIMEOUT)
    if message is None:  # wait_for returns once it is shown
        raise SandboxError("the review message was not posted")
    lines += ["", "#reviews (what the moderators see)"]
    lines += paragraphs(named(box, message.content), "  ")
    card, threads = message.embeds[0], message.embeds[1:]
    lines += render_card(box, replace(message, embeds=[card]))
    for embed in threads:
        lines.append(f"  ┃ {embed.get('title', '')}:")
        for item in embed.get("fields", []):
            lines += wrap(f"{render(item['name']).text} — {render(item['value']).text}",
                           "  ┃     ", first="  ┃   ")
    lines.append("  " + "  ".join(f"[{label}]" for label in labels(message)))
    record = await box.emu.click_button(box.moderator, message, button_id(message, "Approve"))
    await record.wait_response(timeout=TIMEOUT)
    await record.wait_for(lambda r: answer_of(r).startswith("Approved"), TIMEOUT)
    approved = named(box, answer_of(record))
    lines += ["", *wrap(f"{box.moderator.name} clicks Approve → {approved}", "    ",
                         first="  ")]
    decided = box.emu.message(message.id).content.splitlines()[0]
    lines += wrap("The review message now reads: " + TIMESTAMP.sub(
        "just now", named(box, decided)), "    ", first="  ")
    opened = sorted(box.emu.threads(policy), key=lambda t: t.id)
    lines += ["", "#policy, as approved:"] + [f"  thread: {t.name}" for t in opened]
    return lines


