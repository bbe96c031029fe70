"""``python -m bot export``: the same debate from the command line, in a real process."""

from __future__ import annotations

import json
from pathlib import Path

from bot.exports import parse_kialo
from bot.store import Store
from tests.cli.runner import run_cli_async
from tests.debate.helpers import ALICE, GUILD
from tests.exports.debate import make_debate


async def test_export_writes_each_format_and_refuses_a_piece_of_another_server(
        store: Store, store_url: str, tmp_path: Path) -> None:
    debate = await make_debate(store)
    piece = str(debate.world.piece.id)
    base = ("export", "--database", store_url, "--guild", str(GUILD), "--piece", piece)

    code, out, err = await run_cli_async(tmp_path, *base, "--format", "kialo",
                                         emulator_token=None)
    assert (code, err) == (0, "")
    discussion = parse_kialo(out)
    assert discussion.title == "Build, baby, build"
    assert [claim.text for claim in discussion.thesis.children] == [
        "Reason 1: The text of reason 1.", "Reason 2: The text of reason 2.",
        "Reason 3: The text of reason 3."]

    page = tmp_path / "debate.html"
    code, out, err = await run_cli_async(tmp_path, *base, "--out", str(page),
                                         emulator_token=None)
    assert (code, out) == (0, "")
    assert err == f"Wrote the debate on 'Build, baby, build' to {page}.\n"
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")

    code, out, _ = await run_cli_async(tmp_path, *base, "--format", "json",
                                       emulator_token=None)
    assert code == 0 and json.loads(out)["piece"]["id"] == debate.world.piece.id

    code, out, err = await run_cli_async(
        tmp_path, "export", "--database", store_url, "--guild", str(GUILD + 1),
        "--piece", piece, emulator_token=None)
    assert (code, out) == (2, "")
    assert err.startswith(f"counterpoint: server {GUILD + 1} has no piece {piece} ")


async def test_members_who_opted_in_are_named(store: Store, store_url: str,
                                              tmp_path: Path) -> None:
    debate = await make_debate(store)
    await store.opt_in_boards(GUILD, ALICE, "Alice <Analyst>")
    piece = str(debate.world.piece.id)
    code, out, err = await run_cli_async(
        tmp_path, "export", "--database", store_url, "--guild", str(GUILD), "--piece", piece,
        "--format", "json", emulator_token=None)
    assert (code, err) == (0, "")
    authors = [c["author"] for c in json.loads(out)["arguments"][0]["counterarguments"]]
    # Alice is named; Dave, who did not opt in, stays a number.
    assert authors[0] == "Alice <Analyst>" and authors[1].startswith("Member ")

    site = tmp_path / "site"
    code, _, err = await run_cli_async(
        tmp_path, "site", "--database", store_url, "--guild", str(GUILD), "--out", str(site),
        emulator_token=None)
    assert code == 0, err
    page = (site / f"piece-{piece}.html").read_text(encoding="utf-8")
    assert "Alice &lt;Analyst&gt;" in page and "Alice <Analyst>" not in page
