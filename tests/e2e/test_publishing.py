"""Publishing, end to end: /piece post → the real bot → the emulator's channels and threads.

Runs on the project's own sample pieces always, and on ../shared's seed op-ed when present.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.articles.segment import segment
from bot.emulator import Channel, Message, Thread
from bot.pipeline import read_file
from bot.publishing import WHOLE_PIECE_MARKER
from bot.publishing.payloads import MESSAGE_LIMIT, display_title, forum_tag_name
from bot.store import ArgumentRecord, PieceRecord, open_store
from tests.e2e.harness import World, reply_text
from tests.feedsite import SAMPLES

pytestmark = pytest.mark.asyncio(loop_scope="module")

LINK = re.compile(r"\]\(https://discord\.com/channels/(\d+)/(\d+)\)")


async def stored(world: World, channel: Channel, url: str) -> tuple[PieceRecord,
                                                                   list[ArgumentRecord]]:
    store = await open_store(world.database_url)
    try:
        piece = await store.get_piece_by_url(world.guild.id, channel.id, url)
        assert piece is not None
        return piece, await store.list_arguments(piece.id)
    finally:
        await store.close()


async def posted(world: World, channel: Channel, name: str, text: str) -> str:
    """Serve ``text`` as ``name`` and post it in ``channel``, which must succeed; its URL."""
    url = world.server.add(name, text)
    record = await world.post(url, channel)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    return url


def flat(text: str) -> str:
    return " ".join(text.split())


def opening_text(messages: list[Message]) -> str:
    """The argument's text as the thread shows it: the chunks without the header line."""
    joined = "\n\n".join(m.content or "" for m in messages)
    return joined.split("\n\n", 1)[1]


def assert_thread_holds(world: World, thread: Thread, argument: ArgumentRecord,
                        piece: PieceRecord) -> None:
    openings = world.openings(thread)
    assert openings, thread.name
    assert all(len(m.content or "") <= MESSAGE_LIMIT for m in openings)
    assert flat(opening_text(openings)) == flat(argument.text)
    # The controls sit on the last chunk only.
    assert openings[-1].custom_ids() == [f"cp:v:a:{argument.id}:+", f"cp:v:a:{argument.id}:-",
                                         f"cp:c:a:{argument.id}"]
    assert all(m.custom_ids() == [] for m in openings[:-1])
    # It links back to the piece (and to the card, in a text channel).
    assert f"(<{piece.url}>)" in (openings[0].content or "")
    if piece.message_id is not None:
        assert f"/{piece.channel_id}/{piece.message_id}>)" in (openings[0].content or "")
    assert openings[0].allowed_mentions == {"parse": []}


async def check_text_channel(world: World, channel: Channel, url: str, count: int) -> None:
    piece, arguments = await stored(world, channel, url)
    assert piece.state == "published" and len(arguments) == count
    [card] = world.card(channel)
    assert card.id == piece.message_id
    embed = card.embeds[0]
    assert embed["title"] == display_title(piece) and embed["url"] == url
    if piece.author:
        assert {"name": "Author", "value": piece.author, "inline": True} in embed["fields"]
    assert flat(piece.thesis)[:80] in flat(embed["description"])
    threads = world.emu.threads(channel)
    by_id = {t.id: t for t in threads}
    assert len(threads) == count
    # Numbered list, each entry linking to its own thread.
    linked = [int(m.group(2)) for m in LINK.finditer(embed["description"])]
    assert linked == [a.thread_id for a in arguments]
    for argument in arguments:
        thread = by_id[argument.thread_id]  # type: ignore[index]
        expected = (argument.title if argument.marker == WHOLE_PIECE_MARKER
                    else f"{argument.number}. {argument.title}")
        assert thread.name == expected[:100] or thread.name.endswith("…")
        assert len(thread.name) <= 100
        assert_thread_holds(world, thread, argument, piece)


async def test_sample_piece_in_a_text_channel(world: World) -> None:
    url = world.server.add("bikes.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    record = await world.post(url, world.general)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    await check_text_channel(world, world.general, url, 3)
    names = [t.name for t in world.emu.threads(world.general)]
    assert names == ["1. The lanes are already paying for themselves.",
                     "2. Half a network is the most dangerous network.",
                     "3. The money is already committed."]
    # The channel reads card first, then each thread's "started a thread" notice in order.
    shown = world.emu.messages(world.general, system=True)[-4:]
    assert shown[0].embeds and [m.content for m in shown[1:]] == names
    # The progress was shown in the deferred reply as it went.
    edits = [e.get("content", "") for e in record.original_edits]
    assert any(e.startswith("Reading") for e in edits)
    assert any(e.startswith("Opened thread 3 of 3") for e in edits)


async def test_publishing_does_not_wait_for_the_acknowledgement(world: World) -> None:
    channel = world.guild.add_text_channel("acknowledged-late")
    url = world.server.add("bikes-late-ack.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    world.emu.hold(callback)
    try:
        record = await world.emu.run_slash_command(
            world.admin, world.general, "piece post", {"url": url, "channel": channel})
        # The piece is read and its card posted while Discord still holds the deferral.
        await world.emu.wait_for(lambda: world.card(channel), 30)
        assert record.callback_type is None
    finally:
        world.emu.release(callback)
    await record.wait_for(lambda r: reply_text(r).startswith("Posted in"), 30)
    assert record.callback_type == 5
    await check_text_channel(world, channel, url, 3)


async def test_posting_the_same_url_again_posts_nothing_new(world: World) -> None:
    url = world.server.add("bikes.txt", (SAMPLES / "city_bike_lanes.txt").read_text())
    before = len(world.emu.messages(world.general))
    record = await world.post(url, world.general)
    assert reply_text(record).startswith("Already posted"), reply_text(record)
    assert len(world.emu.messages(world.general)) == before


async def test_seed_in_a_text_channel(world: World, shared_dir: Path) -> None:
    seed = shared_dir / "corpus" / "seed_op_ed.txt"
    if not seed.is_file():
        pytest.skip("the seed op-ed is not in ../shared")
    channel = world.guild.add_text_channel("seed-text")
    url = await posted(world, channel, "seed.txt", seed.read_text())
    await check_text_channel(world, channel, url, 4)
    # The threads are the arguments `preview` shows for the seed, in order.
    expected = segment(read_file(seed))
    names = sorted(world.emu.threads(channel), key=lambda t: t.id)
    assert [t.name for t in names] == [f"{a.number}. {a.title}"[:100]
                                       for a in expected.arguments]
    assert [t.name.split(". ", 1)[0] for t in names] == ["1", "2", "3", "4"]


async def test_seed_in_a_forum(world: World, shared_dir: Path) -> None:
    seed = shared_dir / "corpus" / "seed_op_ed.txt"
    if not seed.is_file():
        pytest.skip("the seed op-ed is not in ../shared")
    forum = world.guild.add_forum_channel("seed-forum")
    await check_forum(world, forum, world.server.add("seed-forum.txt", seed.read_text()), 4)


async def test_sample_piece_in_a_forum(world: World) -> None:
    url = world.server.add("exams.txt", (SAMPLES / "remote_exams.txt").read_text())
    await check_forum(world, world.forum, url, None)


async def test_a_forum_the_bot_may_manage_gets_a_tag_for_the_piece(world: World) -> None:
    forum = world.guild.add_forum_channel("tagged")
    world.emu.allow(forum, "MANAGE_CHANNELS", target=world.emu.bot_user.id)
    url = world.server.add("exams-tagged.txt", (SAMPLES / "remote_exams.txt").read_text())
    await check_forum(world, forum, url, None, tagged=True)


async def check_forum(world: World, forum: Channel, url: str, count: int | None,
                      *, tagged: bool = False) -> None:
    record = await world.post(url, forum)
    assert reply_text(record).startswith("Posted in"), reply_text(record)
    piece, arguments = await stored(world, forum, url)
    assert piece.state == "published" and piece.message_id is None
    if count is not None:
        assert len(arguments) == count
    posts = world.emu.threads(forum)
    assert sorted(p.id for p in posts) == sorted(a.thread_id for a in arguments)  # type: ignore[type-var]
    by_id = {p.id: p for p in posts}
    for argument in arguments:
        post = by_id[argument.thread_id]  # type: ignore[index]
        assert post.name.startswith(f"{argument.number}. ") and len(post.name) <= 100
        assert_thread_holds(world, post, argument, piece)
        # Every post names the piece in its first message, whether or not a tag fits.
        assert display_title(piece)[:40] in (world.openings(post)[0].content or "")
        if tagged:
            assert post.applied_tags == [forum.tag(forum_tag_name(piece)).id]
        else:
            assert post.applied_tags == []


async def test_piece_without_a_list_gets_one_thread(world: World) -> None:
    text = ("Why Libraries Should Open on Sundays\nBy A. Writer\n\n"
            "Libraries are the last free indoor public space in most towns, and on Sundays "
            "they are shut exactly when families have time to use them.\n\n"
            "The council says the staff cost is too high, yet the reading rooms fill within "
            "an hour on the Saturdays they open late. Volunteers have offered to help.\n\n"
            "Opening on Sundays would cost less than the council's annual printing budget.")
    channel = world.guild.add_text_channel("no-list")
    url = await posted(world, channel, "libraries.txt", text)
    piece, arguments = await stored(world, channel, url)
    [argument] = arguments
    assert argument.marker == WHOLE_PIECE_MARKER
    [thread] = world.emu.threads(channel)
    assert thread.name == "Why Libraries Should Open on Sundays"
    assert_thread_holds(world, thread, argument, piece)


async def test_a_long_argument_is_split_at_paragraphs(world: World) -> None:
    def paragraph(topic: str) -> str:
        return " ".join(f"Night workers in {topic} gave reason number {i} for the buses, and "
                        f"the survey recorded it carefully." for i in range(1, 13))

    text = ("Three Reasons to Keep the Night Buses\nBy B. Writer\n\n"
            "The night buses should stay, for three reasons.\n\n"
            f"First, shift workers depend on them. {paragraph('the hospital')}\n\n"
            f"{paragraph('the bakeries')}\n\n{paragraph('the depots')}\n\n"
            f"Second, they are cheap to run. {paragraph('the council')}\n\n"
            f"Third, they keep roads safer at night. {paragraph('the police')}\n\n"
            "That is why the council should keep them.")
    channel = world.guild.add_text_channel("long")
    url = await posted(world, channel, "buses.txt", text)
    _piece, arguments = await stored(world, channel, url)
    assert len(arguments) == 3
    first = next(t for t in world.emu.threads(channel) if t.id == arguments[0].thread_id)
    openings = world.openings(first)
    assert len(openings) >= 2
    # Clean breaks: every chunk ends a sentence.
    assert all((m.content or "").rstrip().endswith(".") for m in openings)
    await check_text_channel(world, channel, url, 3)
