"""The static site of a server's debates: an index by week, a page per debate, and rebuilds
that rewrite only what changed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.articles.model import Argument, Piece
from bot.exports.site import INDEX, page_name, site_pages, write_site
from bot.store import AGREE, DISAGREE, PieceRecord, Store, VoteTarget
from tests.cli.runner import run_cli_async
from tests.debate.helpers import ALICE, BOB, CAROL, CHANNEL, DAVE, GUILD, T0
from tests.exports.debate import make_debate


def partial_files(folder: Path) -> list[Path]:
    return list(folder.glob("*.partial"))


async def older_piece(store: Store) -> PieceRecord:
    """A piece from the week before, whose second argument is the closer split."""
    piece = Piece(thesis="Trams beat buses on busy routes.", title="Bring back the tram",
                  url="https://example.org/trams", announced_count=2,
                  arguments=tuple(Argument(number=n, title=f"Point {n}", marker=None,
                                           text=f"The text of point {n}.") for n in (1, 2)))
    when = T0 - timedelta(days=7)
    record = await store.create_piece(GUILD, CHANNEL, piece, now=when)
    assert record is not None
    await store.begin_publishing(record.id, now=when)
    record = await store.finish_publishing(record.id, now=when)
    first, second = await store.list_arguments(record.id)
    for member in (ALICE, BOB, CAROL):
        await store.cast_vote(VoteTarget.argument(first.id), member, AGREE)
    for member, value in ((ALICE, AGREE), (BOB, DISAGREE)):
        await store.cast_vote(VoteTarget.argument(second.id), member, value)
    return record


async def test_the_index_lists_debates_by_week_with_their_most_contested_argument(
        store: Store, tmp_path: Path) -> None:
    debate = await make_debate(store)
    older = await older_piece(store)
    report = write_site(tmp_path, await site_pages(store, GUILD, title="Harbour debates"))
    newer = debate.world.piece
    assert sorted(report.written) == sorted([INDEX, page_name(newer.id), page_name(older.id)])
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    assert "<title>Harbour debates</title>" in index
    # Newest week first, each piece linked to its page.
    assert index.index('id="2026-w47"') < index.index('id="2026-w46"')
    assert index.index("Build, baby, build") < index.index("Bring back the tram")
    assert f'<a href="{page_name(newer.id)}">Build, baby, build</a>' in index
    # Trams: point 2 splits 1-1, point 1 is 3-0: point 2 is the most contested.
    assert (f'Most contested: <a href="{page_name(older.id)}#argument-2">2. Point 2</a> '
            "(1 agree, 1 disagree)") in index
    assert "3 arguments · 8 counterarguments and rebuttals" in index
    page = (tmp_path / page_name(newer.id)).read_text(encoding="utf-8")
    assert f'<a href="{INDEX}">← All debates</a>' in page
    assert "Exported by Counterpoint." in page  # undated, so a rebuild can compare


async def test_a_rebuild_rewrites_only_the_pages_that_changed(store: Store,
                                                             tmp_path: Path) -> None:
    debate = await make_debate(store)
    older = await older_piece(store)
    stray = tmp_path / "notes.txt"
    stray.write_text("the host's own file")
    write_site(tmp_path, await site_pages(store, GUILD))

    again = write_site(tmp_path, await site_pages(store, GUILD))
    assert again.written == () and len(again.unchanged) == 3

    # A new counter on the older piece: its page and the index (which counts it) change.
    [first, _] = await store.list_arguments(older.id)
    await debate.world.service.add_counter(first.id, DAVE, "Trams need rails that take years "
                                           "to lay, buses run tomorrow.")
    changed = write_site(tmp_path, await site_pages(store, GUILD))
    assert sorted(changed.written) == sorted([INDEX, page_name(older.id)])
    assert changed.unchanged == (page_name(debate.world.piece.id),)

    # A page of a piece the record no longer has goes; the host's own files stay.
    gone = tmp_path / page_name(9999)
    gone.write_text("old")
    cleaned = write_site(tmp_path, await site_pages(store, GUILD))
    assert cleaned.removed == (gone.name,) and not gone.exists()
    assert stray.read_text() == "the host's own file"
    assert partial_files(tmp_path) == []


async def test_site_command_writes_the_site(store: Store, store_url: str,
                                            tmp_path: Path) -> None:
    await make_debate(store)
    out = tmp_path / "site"
    code, out_text, err = await run_cli_async(
        tmp_path, "site", "--database", store_url, "--guild", str(GUILD), "--out", str(out),
        emulator_token=None)
    assert (code, out_text) == (0, "")
    assert err == f"2 page(s) written, 0 unchanged, 0 removed; open {out / INDEX}\n"
    assert (out / INDEX).is_file()

    code, _, err = await run_cli_async(
        tmp_path, "site", "--database", store_url, "--guild", str(GUILD), "--out",
        str(out / INDEX), emulator_token=None)
    assert code == 2 and "is a file; --out needs a folder" in err
