"""What an interaction says about its member, as Discord sends it: the account's creation time
in the user's id (a snowflake) and ``member.joined_at`` as an ISO 8601 date-time."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema

from bot.emulator import Emulator
from bot.emulator.interactions import base_payload
from bot.emulator.models import Snowflakes
from bot.store.records import snowflake_time

CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
JOINED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _payload() -> tuple[dict[str, Any], int]:
    emu = Emulator()
    guild = emu.add_guild("Facts")
    channel = guild.add_text_channel("general")
    member = guild.add_member("veteran", created_at=CREATED.timestamp(),
                              joined_at=JOINED.timestamp())
    payload = base_payload(emu.state, interaction_id=emu.state.ids.next(), token="t",
                           itype=3, member=member, channel=channel, data={})
    return payload, member.id


def test_a_members_account_and_join_times_reach_the_bot() -> None:
    payload, member_id = _payload()
    assert payload["member"]["user"]["id"] == str(member_id)
    assert snowflake_time(member_id) == CREATED
    joined = datetime.fromisoformat(payload["member"]["joined_at"])
    assert joined == JOINED and joined.utcoffset() is not None
    # Members made without dates joined, and made their accounts, just now.
    emu = Emulator()
    newcomer = emu.add_guild("Now").add_member("newcomer")
    assert abs(snowflake_time(newcomer.id).timestamp() - time.time()) < 60
    assert abs(newcomer.joined_at - time.time()) < 60


def test_the_member_matches_discords_schema(shared_dir: Path) -> None:
    spec = json.loads((shared_dir / "reference" / "discord-openapi.json").read_text())
    schema = {"$ref": "#/components/schemas/GuildMemberResponse",
              "components": spec["components"]}
    payload, _ = _payload()
    member = {k: v for k, v in payload["member"].items() if k != "permissions"}
    jsonschema.validate(member, schema, format_checker=jsonschema.FormatChecker())


def test_snowflakes_in_the_past_are_unique_and_ordered() -> None:
    ids = Snowflakes()
    first, second = ids.at(CREATED.timestamp()), ids.at(CREATED.timestamp())
    assert first != second and snowflake_time(first) == snowflake_time(second) == CREATED
    assert ids.at(JOINED.timestamp()) > second
    assert ids.next() > ids.at(JOINED.timestamp())
