"""A hostile feed through the real bot and the emulator: what members see is text, not markup.

The feed's title, the entry's title, author, link and every paragraph carry Discord markup: masked
links, spoilers, mentions, headings, block quotes, subtext, code and a URL crafted to break out
of a masked link. The bot follows it into a text channel and a forum; every message it sends is
then read the way Discord's client reads it (:mod:`bot.emulator.markup`) and must show that
text as written, with nothing active but the bot's own labels and links.
"""

from __future__ import annotations

import html
from typing import Any

import pytest

from bot.emulator import Channel, Message, Role
from bot.emulator.markup import Rendered, render
from bot.markup import web_url
from tests.e2e.harness import World, reply_text
from tests.feedsite import BIKE_LANES, Item

pytestmark = pytest.mark.asyncio(loop_scope="module")

WITHIN = 30.0
MASKED = "[click me](http://evil.example/phish)"
SPOILER = "||hidden words||"
MENTIONS = "<@80351110224678912> <@&80351110224678913> <#80351110224678914> @everyone @here"
TAGS = "<t:1700000000:R> </feed remove:1> `code`"
# Tags in angle brackets would be taken out of a title by feedparser as HTML; they are tested in
# the entry's text.
TITLE = f"{MASKED} {SPOILER} Bike lanes @everyone **now**"
AUTHOR = f"||Marisol|| {MASKED}"
OUTLET = "# The [Gazette](http://evil.example/g)"
HEADING = "# Read this heading"
QUOTE = "> a quote that swallows the rest"
SUBTEXT = "-# small print"
LINE = f"{MASKED} {SPOILER} {MENTIONS} {TAGS} **shouting**"
EVERY_LITERAL = (MASKED, SPOILER, "<@80351110224678912>", "@everyone", "<t:1700000000:R>")


def crafted_link(port: int) -> str:
    """The entry's link of issue 10: once it ends a masked link, what follows is a new one."""
    return f"http://127.0.0.1:{port}/art>)[phish](http://evil.example/x)"


def hostile_body() -> str:
    """The sample op-ed (three enumerated reasons, long enough not to be read from its page)
    with hostile lines in its thesis, in each argument and as paragraphs of their own."""
    paragraphs = [p.strip() for p in BIKE_LANES.split("\n\n")[2:] if p.strip()]
    out = [f"{LINE} {paragraphs[0]}"]
    for paragraph in paragraphs[1:]:
        out.append(f"{paragraph} {LINE}" if paragraph.startswith(("First", "Second",
                                                                   "Finally")) else paragraph)
        if paragraph.startswith("Second"):
            out += [HEADING, QUOTE, SUBTEXT, "- a list item", "1. a numbered one"]
    return "".join(f"<p>{html.escape(p)}</p>" for p in out)


def inert(markup: str, piece_url: str) -> Rendered:
    """``markup`` as a member sees it, after checking that only the bot's own markup is active:
    its bold labels, the title it sets in italics, its numbered list of arguments, its links
    (to threads and the card on discord.com, to the piece at its encoded URL) and bare
    addresses that show where they go."""
    rendered = render(markup)
    assert rendered.kinds() <= {"bold", "italic", "list", "masked_link", "link", "role_mention"}, \
        (rendered.kinds(), markup)
    for element in rendered.walk():
        if element.kind == "masked_link":
            assert element.text in ("read the piece", "piece card", "thread"), element
            assert element.target is not None and (
                element.target.startswith("https://discord.com/channels/")
                or element.target == piece_url), element
        elif element.kind == "link":
            assert element.text == element.target, element
        elif element.kind == "bold":
            assert element.text.startswith(("Argument ", "3 arguments", "Discussion",
                                            "The whole piece")) or element.text == TITLE, \
                element
        elif element.kind == "italic":
            assert element.text == TITLE, element
    return rendered


def embed_texts(message: Message) -> list[str]:
    texts: list[str] = []
    for embed in message.embeds:
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts += [f.get("name", "") + "\n" + f.get("value", "") for f in embed.get("fields", [])]
    return texts


def no_pings(message: Message, role: Role | None = None) -> bool:
    return (message.mentions == [] and not message.mention_everyone
            and message.mention_roles == ([] if role is None else [role.id]))


async def follow(world: World, url: str, channel: Channel, role: Role) -> None:
    """/feed add with a backfill of one: the entry is posted before the reply ends."""
    record = await world.emu.run_slash_command(
        world.admin, world.general, "feed add",
        {"url": url, "channel": channel, "backfill": 1, "mention_role": role})
    await record.wait_response(timeout=WITHIN)
    await record.wait_for(lambda r: "Backfill:" in reply_text(r), WITHIN)
    assert "• Posted" in reply_text(record), reply_text(record)
    # The reply names the feed and the piece: outside text there too, shown as written among
    # the bot's own markup (its channel and role mentions, commands in code).
    rendered = render(reply_text(record))
    assert f"Following {OUTLET} in" in rendered.text and f"Posted {TITLE}" in rendered.text
    assert rendered.kinds() & {"masked_link", "spoiler", "user_mention", "everyone", "heading",
                               "quote", "subtext", "timestamp", "command_mention"} == set()


@pytest.fixture(scope="module")
def hostile(world: World) -> dict[str, Any]:
    role = world.guild.add_role("Debate alerts", mentionable=True)
    link = crafted_link(world.server.port)
    url = world.server.feed("/hostile.xml", [Item(
        guid="urn:hostile:1", title=TITLE, link=link, date=None, body=hostile_body(),
        author=AUTHOR)], title=OUTLET)
    safe = web_url(link)
    assert safe is not None and ">" not in safe and "(" not in safe
    return {"role": role, "url": url, "piece_url": safe}


async def test_a_hostile_feed_posts_text_in_a_text_channel(world: World,
                                                           hostile: dict[str, Any]) -> None:
    channel = world.guild.add_text_channel("hostile")
    role: Role = hostile["role"]
    piece_url: str = hostile["piece_url"]
    await follow(world, hostile["url"], channel, role)

    # The card: its title, thesis, outlet, author and argument list as written, its link the
    # piece's encoded URL.
    [card] = world.card(channel)
    assert card.embeds[0]["url"] == piece_url
    shown = [inert(text, piece_url).text for text in embed_texts(card)]
    assert shown[0] == TITLE
    assert any(LINE in text for text in shown)  # the thesis
    assert f"Outlet\n{OUTLET}" in shown and f"Author\n{AUTHOR}" in shown
    assert no_pings(card)

    # The threads: named as the arguments read (names are not markup), three of them.
    threads = world.emu.threads(channel)
    assert [t.name[:3] for t in threads] == ["1. ", "2. ", "3. "]
    assert all("\\" not in t.name for t in threads)

    # The openings: the argument's text as written, the title in italics beside the links.
    seen = ""
    for thread in threads:
        for message in world.openings(thread):
            assert no_pings(message)
            seen += inert(message.content, piece_url).text + "\n"
        first = render(world.openings(thread)[0].content)
        links = {e.text: e.target for e in first.walk() if e.kind == "masked_link"}
        assert links["read the piece"] == piece_url
        assert links["piece card"].endswith(f"/{channel.id}/{card.id}")
    for literal in (*EVERY_LITERAL, HEADING, QUOTE, SUBTEXT, "- a list item",
                    "1. a numbered one", "**shouting**", "`code`"):
        assert literal in seen, literal

    # The role ping: the subscription's role, and the title as written.
    [ping] = [m for m in world.emu.messages(channel) if not m.embeds]
    assert no_pings(ping, role)
    rendered = inert(ping.content, piece_url)
    assert [e.target for e in rendered.walk() if e.kind == "role_mention"] == [str(role.id)]
    assert rendered.text.endswith(f"New piece: {TITLE}")


async def test_a_hostile_feed_posts_text_in_a_forum(world: World,
                                                    hostile: dict[str, Any]) -> None:
    forum = world.guild.add_forum_channel("hostile-forum")
    piece_url: str = hostile["piece_url"]
    await follow(world, hostile["url"], forum, hostile["role"])
    posts = world.emu.threads(forum)
    assert len(posts) == 3
    for post in posts:
        messages = world.openings(post)
        assert messages and all(no_pings(m) or m.mention_roles == [hostile["role"].id]
                                for m in messages)
        text = "\n".join(inert(m.content, piece_url).text for m in messages)
        assert f"from {TITLE}" in text
        assert MASKED in text
