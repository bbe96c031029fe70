"""Helpers for the data-rights tests (store and e2e): walking every table, bulk votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store import Store


async def table_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the catalog, as dicts (the walk the checks below use)."""
    catalog = await store.catalog()
    found: dict[str, list[dict[str, Any]]] = {}
    async with store._tx() as conn:
        for table, columns in catalog.items():
            rows = await conn.fetch(f"SELECT * FROM {table}")
            found[table] = [{c: row[c] for c in columns} for row in rows]
    return found


def holding(rows: dict[str, list[dict[str, Any]]], value: int) -> list[str]:
    """``table.column`` of every cell holding ``value``, as a number or inside text."""
    hits = []
    for table, table_rows_ in rows.items():
        for row in table_rows_:
            for column, cell in row.items():
                if cell == value or (isinstance(cell, str) and str(value) in cell):
                    hits.append(f"{table}.{column}")
    return sorted(set(hits))


async def bulk_votes(store: Store, guild: int, argument_ids: list[int], count: int,
                     stamp: datetime) -> None:
    """``count`` votes by as many members, spread over the arguments, in one statement each
    (setup speed only: votes otherwise go through cast_vote)."""
    per = -(-count // len(argument_ids))
    first_member = 800_000_000_000_000_000
    async with store._tx() as conn:
        for index, argument_id in enumerate(argument_ids):
            members = list(range(first_member + index * per,
                                 first_member + min((index + 1) * per, count)))
            await conn.execute(
                "INSERT INTO votes (target_kind, target_id, member_id, value, guild_id,"
                " argument_id, created_at, updated_at)"
                f" SELECT 'argument', $2, t.value, 1, $3, $2, {store._param(4, 'timestamptz')},"
                f" {store._param(4, 'timestamptz')} FROM {store._array(1, 'bigint')}",
                members, argument_id, guild, stamp)
