"""Backups of the SQLite store while the bot writes, and restoring them (real processes)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.store import AGREE, Store, VoteTarget, open_store
from tests.cli.runner import run_cli_async
from tests.debate.helpers import make_world


def dump(path: Path) -> list[str]:
    """Every table's schema and rows, as SQL: two stores with the same dump hold the same record."""
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def voters(path: Path, argument_id: int) -> list[int]:
    with sqlite3.connect(path) as db:
        return sorted(row[0] for row in db.execute(
            "SELECT member_id FROM votes WHERE target_kind = 'argument' AND target_id = ?",
            (argument_id,)))


async def sqlite_store(path: Path) -> tuple[str, Store]:
    """The URL of a SQLite store at ``path`` and the store, opened (created and migrated)."""
    url = f"sqlite:///{path}"
    return url, await open_store(url)


async def cli(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    return await run_cli_async(tmp_path, *argv, emulator_token=None)


async def test_a_backup_taken_while_votes_are_written_restores_to_one_moment(
        tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    url, store = await sqlite_store(source)
    try:
        world = await make_world(store)
        argument = world.arguments[0].id
        written = 0
        enough = asyncio.Event()
        stop = asyncio.Event()

        async def vote_on() -> None:
            # Members 1, 2, 3, ... vote in turn until told to stop: any moment's record is a
            # prefix of that sequence.
            nonlocal written
            while not stop.is_set():
                written += 1
                await store.cast_vote(VoteTarget.argument(argument), written, AGREE)
                if written == 50:
                    enough.set()

        writer = asyncio.create_task(vote_on())
        await enough.wait()
        code, out, err = await cli(tmp_path, "backup", "--database", url,
                                   "--out", str(tmp_path / "during.db"))
        stop.set()
        await writer
        assert (code, out) == (0, ""), err
        assert err.startswith("Backed up ") and err.rstrip().endswith(f"{tmp_path / 'during.db'}.")

        snapshot = voters(tmp_path / "during.db", argument)
        assert snapshot == list(range(1, len(snapshot) + 1)) and len(snapshot) >= 50
        assert len(snapshot) <= written

        # Restored, the backup is that moment's record, row for row.
        code, _, err = await cli(tmp_path, "restore", str(tmp_path / "during.db"),
                                 "--database", f"sqlite:///{tmp_path / 'restored.db'}")
        assert code == 0, err
        assert dump(tmp_path / "restored.db") == dump(tmp_path / "during.db")
        restored = await open_store(f"sqlite:///{tmp_path / 'restored.db'}")
        try:
            assert (await restored.tally(VoteTarget.argument(argument))).agree == len(snapshot)
            assert (await restored.get_piece(world.piece.id)) == world.piece
        finally:
            await restored.close()
    finally:
        await store.close()

    # Once the writing stops, a backup restores to exactly the live record.
    code, _, err = await cli(tmp_path, "backup", "--database", url, "--out",
                             str(tmp_path / "after.db"))
    assert code == 0, err
    code, _, err = await cli(tmp_path, "restore", str(tmp_path / "after.db"), "--database",
                             f"sqlite:///{tmp_path / 'restored.db'}", "--replace")
    assert code == 0, err
    assert dump(tmp_path / "restored.db") == dump(source)
    assert voters(tmp_path / "restored.db", argument) == list(range(1, written + 1))


async def test_restore_keeps_a_record_unless_told_and_refuses_what_is_not_a_backup(
        tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    live_url, kept = await sqlite_store(live)
    try:
        await make_world(kept)
    finally:
        await kept.close()
    before = dump(live)
    other = tmp_path / "other.db"
    other_url, other_store = await sqlite_store(other)
    await other_store.close()
    code, _, err = await cli(tmp_path, "backup", "--database", other_url,
                             "--out", str(tmp_path / "empty-backup.db"))
    assert code == 0, err

    code, _, err = await cli(tmp_path, "restore", str(tmp_path / "empty-backup.db"),
                             "--database", live_url)
    assert code == 2 and "already holds a record" in err and "--replace" in err
    assert dump(live) == before

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    not_ours = tmp_path / "notes.db"
    with sqlite3.connect(not_ours) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    for bad, said in ((damaged, ""), (not_ours, "is not a Counterpoint store"),
                      (tmp_path / "missing.db", "no backup file at")):
        code, _, err = await cli(tmp_path, "restore", str(bad), "--database", live_url,
                                 "--replace")
        assert code == 2 and err.startswith("counterpoint: ") and said in err, err
        assert dump(live) == before

    code, _, err = await cli(tmp_path, "backup", "--database",
                             f"sqlite:///{tmp_path / 'nowhere.db'}", "--out",
                             str(tmp_path / "x.db"))
    assert code == 2 and "no SQLite store at" in err


async def test_postgresql_is_pointed_to_its_own_tools(tmp_path: Path) -> None:
    url = "postgresql://bot:s3cret@db.example/counterpoint"
    code, _, err = await cli(tmp_path, "backup", "--database", url, "--out", "nightly.dump")
    assert code == 2 and "pg_dump --format=custom --file nightly.dump" in err
    code, _, err = await cli(tmp_path, "restore", "nightly.dump", "--database", url)
    assert code == 2 and "pg_restore" in err and "nightly.dump" in err
    assert "s3cret" not in err
