"""``preview``'s SOURCE as a person types it: an address of another kind is named as such,
not taken for a missing file, and a local file too large for a piece is refused before it is
read (a 50 MB file once took 420 MB to extract)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.feeds.fetch import MAX_BODY_BYTES


def one_error_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    return line


@pytest.mark.parametrize(("source", "expected"), [
    ("file:///etc/hostname",
     "file:///etc/hostname: file: URLs are not supported; give the file's path instead "
     "(/etc/hostname)"),
    ("ftp://example.com/op-ed.txt",
     "ftp://example.com/op-ed.txt: ftp: addresses are not supported; give an http:// or "
     "https:// URL, or the path of a local HTML or text file"),
    ("gopher://example.com/1/op-ed",
     "gopher://example.com/1/op-ed: gopher: addresses are not supported; give an http:// or "
     "https:// URL, or the path of a local HTML or text file"),
    ("no-such-piece.txt", "no-such-piece.txt: no such file"),
])
def test_other_schemes_are_named_not_taken_for_missing_files(
        capsys: pytest.CaptureFixture[str], source: str, expected: str) -> None:
    assert one_error_line(capsys, "preview", source) == f"counterpoint: {expected}"


def test_a_local_file_over_the_size_cap_is_refused_before_it_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: the size is there without writing it
        handle.truncate(MAX_BODY_BYTES + 1)
    assert one_error_line(capsys, "preview", str(big)) == (
        f"counterpoint: {big}: 5.0 MB is too large for a piece (the limit is 5 MB, as for "
        "pages read from the web)")
    at_limit = tmp_path / "at-limit.txt"
    at_limit.write_bytes(b"\0" * 16)  # under the cap: read, then refused for what it is
    assert "binary" in one_error_line(capsys, "preview", str(at_limit))
