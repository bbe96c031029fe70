"""``python -m bot migrate``: applies once, then reports up to date; bad URLs get one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main


def test_migrate_applies_then_is_idempotent(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cp.db'}"
    assert main(["migrate", "--database", url]) == 0
    assert capsys.readouterr().out.startswith("Applied migrations 1")
    assert main(["migrate", "--database", url]) == 0
    assert capsys.readouterr().out.strip() == f"{url} is up to date."


def test_migrate_unknown_scheme(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--database", "mysql://db/counterpoint"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unsupported database URL scheme 'mysql'" in err
