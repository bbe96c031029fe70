"""``python -m bot export-data``: the server's archive without Discord's size limit."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import open_store
from bot.store.datarights import SERVER_TABLES

GUILD = 123_456_789_012_345_678


def test_export_data_writes_the_archive_with_progress(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cp.db'}"

    async def configure() -> None:
        store = await open_store(url)
        try:
            await store.update_guild_settings(GUILD, timezone="Asia/Tokyo")
        finally:
            await store.close()

    asyncio.run(configure())
    out = tmp_path / "server.json.gz"
    assert main(["export-data", "--guild", str(GUILD), "--out", str(out),
                 "--database", url]) == 0
    err = capsys.readouterr().err
    assert "0 / 2 rows" in err and "2 / 2 rows" in err  # the settings and this export
    document = json.loads(gzip.decompress(out.read_bytes()))
    assert set(document["tables"]) == {t.name for t in SERVER_TABLES}
    settings = document["tables"]["guild_settings"]
    assert settings["rows"][0][settings["columns"].index("timezone")] == "Asia/Tokyo"
