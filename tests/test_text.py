"""The shared text cutters keep within their limit and say when they cut."""

from __future__ import annotations

import pytest

from bot.text import ELLIPSIS, one_line, shorten


def test_short_text_is_only_flattened() -> None:
    assert shorten("a  piece\n about\tlevies", 40) == "a piece about levies"
    assert one_line("a  piece\n about", 40) == "a piece about"


@pytest.mark.parametrize("limit", [5, 12, 20, 33])
def test_cut_text_fits_and_ends_in_an_ellipsis(limit: int) -> None:
    text = "The council should fund the libraries, not the stadium, this year."
    for cut in (shorten(text, limit), one_line(text, limit)):
        assert len(cut) <= limit
        assert cut.endswith(ELLIPSIS)


def test_shorten_cuts_between_words_and_one_line_anywhere() -> None:
    text = "Libraries matter more than stadiums"
    assert shorten(text, 20) == "Libraries matter…"
    assert one_line(text, 20) == "Libraries matter mo…"


def test_shorten_cuts_a_very_long_word_hard() -> None:
    assert shorten("Donaudampfschifffahrtsgesellschaft", 10) == "Donaudamp…"
