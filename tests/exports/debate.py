"""A debate worth exporting: three arguments, a deep rebuttal chain, a withdrawn counter whose
reply stays, votes, awards and a member who writes markup."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import AGREE, DISAGREE, Contribution, Store, VoteTarget
from tests.debate.helpers import ALICE, BOB, CAROL, DAVE, World, make_world

#: Text a member wrote that would be active markup if any format let it through.
HOSTILE = ("See [the data](http://evil.example/phish) <script>alert(1)</script> and ||this||;\n"
           "# not a heading\n1. not a list <img src=x onerror=alert(2)>")


THREAD_BASE = 333_333_333_333_333_000
MESSAGE_BASE = 444_444_444_444_444_000


@dataclass
class Debate:
    world: World
    first_counter: Contribution
    chain: list[Contribution]  # first_counter, then each rebuttal answering the one before
    withdrawn: Contribution
    orphan_reply: Contribution  # answers the withdrawn counter
    hostile: Contribution


async def make_debate(store: Store) -> Debate:
    world = await make_world(store)
    service, first, second = world.service, world.arguments[0].id, world.arguments[1].id
    counter = await service.add_counter(first, ALICE, "Rents follow wages more than supply, "
                                        "as the last decade of city data shows.")
    chain = [counter]
    for depth, author in enumerate((BOB, ALICE, CAROL, BOB), 1):
        world.clock.advance(minutes=5)
        chain.append(await service.add_rebuttal(
            chain[-1].id, author, f"Rebuttal at depth {depth}: the comparison leaves out "
            "commuting costs entirely."))
    world.clock.advance(minutes=5)
    withdrawn = await service.add_counter(first, DAVE, "New towers mostly house investors, "
                                          "not the people priced out.")
    orphan = await service.add_rebuttal(withdrawn.id, CAROL, "Vacancy taxes answer that, and "
                                        "several cities already levy them.")
    await service.withdraw(withdrawn.id, DAVE)
    world.clock.advance(minutes=5)
    hostile = await service.add_counter(second, CAROL, HOSTILE)
    for member, value in ((BOB, AGREE), (CAROL, AGREE), (DAVE, DISAGREE)):
        await service.vote(VoteTarget.argument(first), member, value)
    await service.vote(VoteTarget.contribution(counter.id), BOB, DISAGREE)
    await service.vote(VoteTarget.contribution(counter.id), CAROL, AGREE)
    await service.changed_my_mind(DAVE, counter.id, "The wage data moved me: a decade of "
                                  "rents tracking pay, city by city.")
    await service.changed_my_mind(CAROL, chain[1].id, "Fair point on commuting: the cheap "
                                  "flats are an hour further out.")
    # Where they are on Discord: a thread per argument, a message per contribution.
    for argument in world.arguments:
        await store.record_argument_thread(argument.id, THREAD_BASE + argument.number)
    for contribution in [*chain, withdrawn, orphan, hostile]:
        await store.record_contribution_message(contribution.id,
                                                MESSAGE_BASE + contribution.id)
    return Debate(world, counter, chain, withdrawn, orphan, hostile)
