"""Custom ids of the persistent buttons, and the rules dataclass (pure, no store)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.debate import (
    MAX_CUSTOM_ID_LENGTH,
    PATTERNS,
    Control,
    DebateRules,
    award_custom_id,
    clean_body,
    clean_reason,
    counter_custom_id,
    edit_custom_id,
    parse_custom_id,
    rebut_custom_id,
    vote_custom_id,
    withdraw_custom_id,
)
from bot.debate.controls import MAX_ID
from bot.store import AGREE, DISAGREE, VoteTarget

A, C = VoteTarget.argument, VoteTarget.contribution


def test_custom_ids_read_as_documented() -> None:
    assert vote_custom_id(A(123), AGREE) == "cp:v:a:123:+"
    assert vote_custom_id(C(456), DISAGREE) == "cp:v:c:456:-"
    assert counter_custom_id(123) == "cp:c:a:123"
    assert rebut_custom_id(456) == "cp:r:c:456"
    assert award_custom_id(456) == "cp:m:c:456"
    assert edit_custom_id(456) == "cp:e:c:456"
    assert withdraw_custom_id(456) == "cp:w:c:456"


@pytest.mark.parametrize("target_id", [1, 9, 10, 123, 2**31, MAX_ID])
def test_every_control_round_trips_within_the_limit(target_id: int) -> None:
    controls = [
        Control("vote", A(target_id), AGREE), Control("vote", A(target_id), DISAGREE),
        Control("vote", C(target_id), AGREE), Control("vote", C(target_id), DISAGREE),
        Control("counter", A(target_id)), Control("rebut", C(target_id)),
        Control("award", C(target_id)), Control("edit", C(target_id)),
        Control("withdraw", C(target_id)),
    ]
    ids = [control.custom_id for control in controls]
    assert len(set(ids)) == len(ids)
    for control, custom_id in zip(controls, ids, strict=True):
        assert parse_custom_id(custom_id) == control
        assert len(custom_id) <= MAX_CUSTOM_ID_LENGTH
        # The exported template of the action matches it whole (discord.py uses fullmatch).
        match = re.fullmatch(PATTERNS[control.action], custom_id)
        assert match is not None and int(match["id"]) == target_id
        others = [p for action, p in PATTERNS.items() if action != control.action]
        assert not any(re.fullmatch(p, custom_id) for p in others)
    # Votes are the longest: "cp:v:a:" + the id + ":+".
    assert max(len(i) for i in ids) == 9 + len(str(target_id))
    assert len(vote_custom_id(C(MAX_ID), DISAGREE)) == 28


@pytest.mark.parametrize("custom_id", [
    "", "cp", "cp:", "cp:v:a:123", "cp:v:a:123:*", "cp:v:x:1:+", "cp:v:a:0:+", "cp:v:a:0123:+",
    "cp:c:c:1", "cp:r:a:1", "cp:c:a:", "cp:c:a:-1", "cp:c:a:1 ", " cp:c:a:1", "cp:c:a:1:",
    "cp:c:a:1x", "CP:c:a:1", "cp:c:a:９", "xp:c:a:1", "cp:z:a:1", "cp:c:a:" + str(MAX_ID + 1),
    "cp:c:a:" + "9" * 19, "cp:c:a:" + "1" * 20, "cp:c:a:1" + "0" * 200, "other_bot:vote:1",
])
def test_foreign_or_malformed_ids_parse_to_none(custom_id: str) -> None:
    assert parse_custom_id(custom_id) is None


@pytest.mark.parametrize("bad", [0, -1, MAX_ID + 1, True, "12", 1.0])
def test_builders_refuse_bad_ids(bad: object) -> None:
    with pytest.raises(ValueError, match="target id"):
        counter_custom_id(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="target id"):
        vote_custom_id(VoteTarget("argument", bad), AGREE)  # type: ignore[arg-type]


def test_builders_refuse_bad_values_and_kinds() -> None:
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        vote_custom_id(A(1), 0)
    with pytest.raises(ValueError, match="kind"):
        vote_custom_id(VoteTarget("piece", 1), AGREE)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="targets an argument"):
        _ = Control("counter", C(1)).custom_id
    with pytest.raises(ValueError, match="targets a contribution"):
        _ = Control("rebut", A(1)).custom_id


def test_rules_defaults_validation_and_settings() -> None:
    rules = DebateRules()
    assert (rules.min_length, rules.max_length, rules.edit_window, rules.max_depth,
            rules.max_reason_length) == (40, 1800, timedelta(minutes=15), 10, 300)
    assert DebateRules.from_settings(Settings.from_env(
        {"COUNTERPOINT_MIN_COUNTER_LENGTH": "25"}, dotenv=None)) == DebateRules(min_length=25)
    for bad in ({"min_length": 0}, {"min_length": 1801}, {"max_length": 39},
                {"edit_window": timedelta(seconds=-1)}, {"max_depth": 0},
                {"max_reason_length": 0}):
        with pytest.raises(ValueError):
            DebateRules(**bad)  # type: ignore[arg-type]


def test_text_cleaning() -> None:
    assert clean_body("\ufeff  a\r\nb\rc\x00d\x1b  \u200b") == "a\nb\ncd"
    assert clean_body("keep\tinner   spacing\n\nand paragraphs") == \
        "keep\tinner   spacing\n\nand paragraphs"
    assert clean_reason("  two\n\nlines\u200b here ") == "two lines here"
    assert clean_reason(" \u200b ") is None
    assert clean_reason(None) is None


def test_the_debate_package_does_not_import_discord() -> None:
    code = "import sys, bot.debate; assert 'discord' not in sys.modules, 'discord imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
