"""Pieces for the publishing tests, built by hand so the tests do not depend on segmentation."""

from __future__ import annotations

from bot.articles.model import Argument, Piece

LONG_PARAGRAPH = " ".join(
    f"Sentence {i} of the long argument explains one more consequence of the policy."
    for i in range(15))


def three_arguments(url: str = "https://example.org/bike-lanes") -> Piece:
    return Piece(
        title="Our City Should Stop Apologising for Bike Lanes",
        author="Marisol Ekwueme",
        outlet="The Harbour Gazette",
        url=url,
        thesis="The network should not be paused; it should be finished, and finished quickly.",
        announced_count=3,
        arguments=(
            Argument(1, "The lanes are already paying for themselves", "First",
                     "First, the lanes are already paying for themselves. Shops reported "
                     "higher takings."),
            # Long enough to need three messages, in paragraphs.
            Argument(2, "Half a network is the most dangerous network", "Second",
                     "\n\n".join([LONG_PARAGRAPH, LONG_PARAGRAPH, LONG_PARAGRAPH])),
            Argument(3, "The money is already committed", "Finally",
                     "Finally, the money is already committed. The grant expires in March."),
        ),
        conclusion="That is why the vote next Tuesday matters.",
    )


def no_arguments(url: str = "https://example.org/musings") -> Piece:
    return Piece(
        title="Some Musings on Libraries",
        author="A. Writer",
        url=url,
        thesis="Libraries are the last free indoor public space, and that matters.",
        conclusion="Keep them open on Sundays.",
    )
