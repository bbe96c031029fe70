"""The splitter against the labelled corpus (``corpus/README.md``), read as ``preview`` reads.

Every piece is read from its file (text, Markdown or HTML) through ``bot.pipeline.read_file``
and split; the whole corpus must score what issue 9 asks of it. Each piece is also held to the
shape every reading must have, and to its own label where the splitter is meant to be exact:
the unenumerated pieces get no arguments at all.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from bot.articles.model import Piece
from bot.articles.segment import TITLE_MAX, segment
from bot.pipeline import read_file
from tests.articles.scoring import Score, score_piece

CORPUS = Path(__file__).parent / "corpus"
LABELS = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))["pieces"]


@cache
def reading(name: str) -> Piece:
    return segment(read_file(CORPUS / "pieces" / name))


def test_every_piece_is_labelled_once_and_every_label_has_its_piece() -> None:
    names = [label["file"] for label in LABELS]
    assert len(names) == len(set(names))
    assert set(names) == {p.name for p in (CORPUS / "pieces").iterdir()}
    assert len(names) >= 80
    formats = {Path(name).suffix for name in names}
    assert formats == {".txt", ".md", ".html"}
    assert all(label.get("imitates") for label in LABELS)


def test_the_corpus_scores_what_issue_9_asks() -> None:
    total = Score()
    for label in LABELS:
        score, _ = score_piece(reading(label["file"]), label)
        total.add(score)
    figures = total.figures()
    assert figures["f1"] >= 0.97, figures
    assert figures["exact_count"] >= 0.90, figures
    assert figures["false_arguments"] == 0, figures


@pytest.mark.parametrize("label", [lb for lb in LABELS if not lb["arguments"]],
                         ids=lambda lb: lb["file"])
def test_a_piece_that_does_not_enumerate_gets_no_arguments(label: dict[str, object]) -> None:
    piece = reading(str(label["file"]))
    assert piece.arguments == (), [a.text[:60] for a in piece.arguments]
    assert 0.5 <= piece.confidence <= 1.0


@pytest.mark.parametrize("label", LABELS, ids=lambda lb: lb["file"])
def test_every_reading_is_well_formed(label: dict[str, object]) -> None:
    piece = reading(str(label["file"]))
    assert [a.number for a in piece.arguments] == list(range(1, len(piece.arguments) + 1))
    assert len(piece.arguments) != 1
    for argument in piece.arguments:
        assert argument.title.strip() and len(argument.title) <= TITLE_MAX
        assert argument.text.strip()
        assert 0.0 <= argument.confidence <= 1.0
    assert piece.thesis.strip() and 0.0 <= piece.confidence <= 1.0
