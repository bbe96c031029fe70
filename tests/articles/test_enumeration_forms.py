"""Ways of enumerating that a blind set of pieces (tests/articles/holdout) showed the splitter
missing: a countdown, a list numbered "1." throughout, a first point followed by turns that
add one more ("For one thing ... For another ... And then there is"), an imperative first
("Start with", "Take ... first"), and a summary that previews the points before the body
argues them. Each form is held here on short original pieces, with the traps beside it."""

from __future__ import annotations

import pytest

from bot.articles.model import Article, Block, BlockKind, Piece
from bot.articles.segment import segment

_BODY = ("The evidence from the last three budgets points the same way, and the council's own "
         "figures, published in the spring, say as much to anyone who reads past the summary.")


def _read(*paragraphs: str) -> Piece:
    return segment(Article.from_paragraphs(paragraphs))


def _openings(piece: Piece, words: int = 3) -> list[str]:
    return [" ".join(a.text.split()[:words]) for a in piece.arguments]


def test_a_countdown_to_one_is_the_list_in_its_written_order() -> None:
    piece = _read(
        "Here are the four things this season taught the league, counting down.",
        f"4. Ticket prices decide crowds. {_BODY}",
        f"3. Evening kick-offs suit families. {_BODY}",
        f"2. Coaching pays for itself. {_BODY}",
        f"1. Players need proper contracts. {_BODY}",
        "Roll on next season.")
    assert [a.marker for a in piece.arguments] == ["4.", "3.", "2.", "1."]
    assert [a.number for a in piece.arguments] == [1, 2, 3, 4]
    assert piece.announced_count == 4


def test_for_one_thing_then_turns_that_add_a_point() -> None:
    piece = _read(
        "Should supporters buy shares in their club? I think they should.",
        f"For one thing, owners decide far more than the prices. {_BODY}",
        f"For another, supporters have more power than they think. {_BODY}",
        f"And then there is the ground itself. {_BODY}",
        "So yes, buy the shares.")
    assert _openings(piece) == ["For one thing,", "For another, supporters",
                                "And then there"]
    assert [a.marker for a in piece.arguments] == ["For one thing", "For another", None]
    assert piece.conclusion is not None and piece.conclusion.startswith("So yes")


def test_a_page_of_signed_letters_is_not_one_writer_s_points() -> None:
    letter = ("I have stood on that terrace for twenty years and the price has doubled in five. "
              "The club should think about who it is for before the next rise, not after it.")
    piece = _read(
        "Your letters on ticket prices. We edit for length.",
        "PRICED OUT AT FORTY", letter, "Gary Tolland, Eastfield", "---",
        "THE CINEMA TEST", letter, "Priya Sandhu, Mill Cross", "---",
        "THE AWAY END", letter, "Mick Ayres, by email",
        "Next week: your letters on the new kit.")
    assert piece.arguments == ()
    # The same sections unsigned are one writer's points under headings in capitals.
    unsigned = _read(
        "Three reasons the club has lost its fans.",
        "PRICED OUT AT FORTY", letter, "THE CINEMA TEST", letter, "THE AWAY END", letter,
        "In short, the club must listen.")
    assert len(unsigned.arguments) == 3


def _sections(headings: list[str], *, preview: int = 0) -> Piece:
    """A commentary whose points are subheadings, each over a paragraph of its own, after a
    "Key points" list of ``preview`` items."""
    blocks = [Block("Making buses free sounds generous, but riders would gain more from "
                    "buses that come often, and the money is better spent there.")]
    if preview:
        blocks.append(Block("Key points", BlockKind.HEADING, level=2))
        summary = ["Lapsed riders rank frequency far above cost.",
                   "Fares pay for a real share of service hours.",
                   "Targeted passes help low-income riders for less.",
                   "The evidence from pilots elsewhere is mixed."]
        blocks += [Block(text, BlockKind.ITEM, list_id=1) for text in summary[:preview]]
    blocks.append(Block(_BODY))
    for heading in headings:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks += [Block("The upshot", BlockKind.HEADING, level=3),
               Block("Spend the money on service, and the riders will come.")]
    return segment(Article(blocks=tuple(blocks)))


_CLAIMS = ["Price is not what keeps riders away", "The fares pay for the buses",
           "Help the riders who need it", "The pilots do not settle it"]


def test_claims_as_subheadings_summed_up_first_are_the_points() -> None:
    piece = _sections(_CLAIMS, preview=4)
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == _CLAIMS
    assert piece.conclusion is not None and piece.conclusion.startswith("The upshot")


def test_topic_subheadings_without_a_summary_are_sections() -> None:
    piece = _sections(["Fares", "Service", "Pilots", "Funding"])
    assert piece.arguments == ()


def test_claims_alone_are_points_but_less_surely_than_when_summed_up() -> None:
    alone, summed = _sections(_CLAIMS), _sections(_CLAIMS, preview=4)
    assert len(alone.arguments) == len(summed.arguments) == 4
    assert alone.confidence < summed.confidence


def test_bold_labels_that_argue_with_one_rhetorical_question_among_them() -> None:
    labels = ["No debt.", "No students?", "Too many dropouts.", "The cost."]
    body = ("The critics have this wrong, and the figures show why: enrolment is up, "
            "borrowing is down, and the program should not be judged on one bad year.")
    blocks = [Block("The free college program had a rough week in the papers. Some of the "
                    "criticism is fair; most of it is not. Take the charges one at a time.")]
    blocks += [Block(f"{label} {body}", lead=label) for label in labels]
    blocks.append(Block("You might say the program is a victim of its popularity."))
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split(" ")[0] for a in piece.arguments] == ["No", "No", "Too", "The"]
    # Mostly questions, after a lead-in that explains rather than answers critics, the same
    # labels are an explainer's headings.
    asked = [Block(f"{label.rstrip('.?')}? {body}", lead=f"{label.rstrip('.?')}?")
             for label in labels]
    intro = Block("The free college program is in its third year. Here is how it works.")
    assert segment(Article(blocks=(intro, *asked))).arguments == ()


def _labelled(labels: list[str]) -> Piece:
    body = ("It was a night the club should remember, and the coach said the win should not "
            "hide how much the side still needs to improve before the new year.")
    blocks = [Block("Last night's results around the league, in brief.")]
    blocks += [Block(f"{label} {body}", lead=label) for label in labels]
    return segment(Article(blocks=tuple(blocks)))


def test_labels_carrying_scores_or_prices_are_results_not_points() -> None:
    assert _labelled(["Wild 4, Sabres 1:", "Bruins 5, Devils 1:", "Panthers 5, Flyers 2:",
                      "Jets 3, Kings 2:"]).arguments == ()
    assert _labelled(["Front stalls: 60,000:", "Circle: 50,000:", "Balcony: 40,000:"]
                     ).arguments == ()
    # A number that counts the points is no figure.
    assert len(_labelled(["Message 1: patience.", "Message 2: depth.", "Message 3: fitness."]
                         ).arguments) == 3


def test_the_same_label_again_and_again_is_a_recurring_field() -> None:
    assert _labelled(["Pro tip:", "Menu:", "Pro tip:", "Menu:"]).arguments == ()


def test_one_reason_and_another_reason_are_two_points() -> None:
    piece = _read(
        "I write about the plan to close the library on Sundays.",
        f"One reason the closure is a mistake is who uses it. {_BODY}",
        f"Another reason is that the savings are small. {_BODY}",
        "I understand the county faces hard choices.")
    assert _openings(piece, 2) == ["One reason", "Another reason"]
    # "One reason" alone, with "another" counting something else, is no pair.
    single = _read(
        "I write about the plan to close the library on Sundays.",
        f"One reason the closure is a mistake is who uses it. {_BODY}",
        f"Another week went by without an answer. {_BODY}")
    assert single.arguments == ()


def test_a_topic_sentence_before_the_marker_belongs_to_the_point() -> None:
    piece = _read(
        "Six months in, the leave program has lessons for the state.",
        f"Uptake has been uneven. First, the total hides large gaps. {_BODY}",
        f"Second, small firms have coped. {_BODY}",
        f"Third, the trust fund is healthy for now. {_BODY}",
        "None of this means the work is done.")
    assert _openings(piece, 3) == ["Uptake has been", "Second, small firms", "Third, the trust"]
    assert piece.arguments[0].marker == "First"


def test_a_box_of_figures_is_data_not_points() -> None:
    blocks = [Block("The drought is real, and these are the reasons to worry:")]
    figures = ["The lake is at 31 percent of capacity, down from 44 percent last year.",
               "Snowpack peaked at 58 percent of normal, against 97 percent in 2023.",
               "The district delivered 412,000 acre-feet, above its 380,000 average.",
               "Farms took 71 percent of deliveries and towns 29 percent."]
    blocks += [Block(text, BlockKind.ITEM, list_id=1) for text in figures]
    blocks.append(Block("The board meets on Thursday and should act."))
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_the_writer_stepping_back_after_the_last_point_is_the_conclusion() -> None:
    piece = _read(
        "The arena deal is a bad bargain, for three reasons.",
        f"First, the jobs are seasonal. {_BODY}",
        f"Second, the debt falls on the city. {_BODY}",
        f"Third, the land has better uses. {_BODY}",
        "I want to be fair to the people who negotiated this deal.",
        "But the council should send it back.")
    assert piece.arguments[-1].text.startswith("Third, the land")
    assert "I want to be fair" not in piece.arguments[-1].text
    assert piece.conclusion is not None and piece.conclusion.startswith("I want to be fair")


def test_a_last_point_no_longer_than_the_others_keeps_its_own_paragraphs() -> None:
    piece = _read(
        "The arena deal is a bad bargain, for three reasons.",
        f"First, the jobs are seasonal. {_BODY}", "We have seen this before, in 2009.",
        f"Second, the debt falls on the city. {_BODY}", "The bonds run for thirty years.",
        f"Third, the land has better uses. {_BODY}", "We have a housing list to clear.")
    assert piece.arguments[-1].text.endswith("We have a housing list to clear.")


def test_turns_with_no_marker_before_them_follow_an_unmarked_first_point() -> None:
    piece = _read(
        "To the editor: paid parking on Front Street is a mistake.",
        "I have run a shop on the street for twenty years, and I understand the pressure on "
        "the council's budget; but meters are the wrong answer.",
        f"The staff report assumes drivers will keep coming. {_BODY}",
        f"Add to that the cost of the machines. {_BODY}",
        f"Worse, the meters hit the shops that struggle most. {_BODY}",
        f"The bigger problem, though, is what this says about the council. {_BODY}",
        "Yours sincerely, a shopkeeper.")
    assert _openings(piece, 2) == ["The staff", "Add to", "Worse, the", "The bigger"]
    # Two turns far apart in an essay are no list.
    essay = _read(
        "A walk through the old town.", f"The square is quiet in the morning. {_BODY}",
        f"Worse, the cafe has closed. {_BODY}", *[f"The river runs past. {_BODY}"] * 4,
        f"Add to that the rain. {_BODY}")
    assert essay.arguments == ()


def test_a_count_of_weaknesses_is_announced() -> None:
    piece = _read(
        "The transit plan deserves a yes vote, but it has three weaknesses to fix first.",
        f"The oversight problem is the most serious. {_BODY}",
        f"The second problem follows from the first. {_BODY}",
        f"The third is about sequencing. {_BODY}",
        "None of these changes would cost much.")
    assert piece.announced_count == 3
    assert _openings(piece, 2) == ["The oversight", "The second", "The third"]


def test_a_candidate_s_priorities_are_points_though_each_is_an_imperative() -> None:
    piece = _read(
        "If elected, these are my three priorities for the ward.",
        f"1. Keep our streets and pipes in working order. {_BODY}",
        f"2. Make room for the people who keep the town running. {_BODY}",
        f"3. Open up City Hall. {_BODY}",
        "I hope to earn your vote.")
    assert [a.marker for a in piece.arguments] == ["1.", "2.", "3."]


def test_a_last_subheading_over_a_step_back_heads_the_conclusion() -> None:
    blocks = [Block("Heatwaves kill quietly, and the warnings we issue are not reaching the "
                    "people most at risk. Four changes would help.")]
    for heading in ["Warn earlier, in plain words", "Call the people who live alone",
                    "Open cool rooms at night", "Count the deaths properly"]:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks += [Block("A hazard hiding in plain sight", BlockKind.HEADING, level=3),
               Block("None of these changes is expensive by the standards of health budgets.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 4
    assert piece.conclusion is not None and piece.conclusion.startswith("A hazard")


def test_a_noun_the_piece_counts_twice_is_its_marker_and_turns_between_are_points() -> None:
    piece = _read(
        "Tariffs are a tax, and Americans pay it four ways.",
        f"The first cost falls on consumers. {_BODY}",
        f"A second cost lands on manufacturers. {_BODY}",
        f"Worse, other countries retaliate. {_BODY}",
        f"Yet another cost is harder to measure. {_BODY}",
        "Add these up and the picture is not pretty.")
    assert _openings(piece, 2) == ["The first", "A second", "Worse, other", "Yet another"]
    assert piece.conclusion is not None and piece.conclusion.startswith("Add these up")


def test_objections_the_headline_promises_to_answer_are_the_points() -> None:
    questions = ["Won't people get less done?", "What about customers?",
                 "Isn't this a perk for the well paid?", "Won't it collapse in a year?"]
    blocks = [Block("I ran a trial of the four-day week. Here is what the sceptics miss.")]
    for question in questions:
        blocks += [Block(question, lead=question), Block(_BODY)]
    blocks.append(Block("There are honest reasons not to do this, but these are not them."))
    answered = segment(Article(blocks=tuple(blocks),
                               title="Four objections to the four-day week, answered"))
    assert [a.title for a in answered.arguments] == questions
    assert answered.conclusion is not None
    assert answered.conclusion.startswith("There are honest reasons")
    # Under a headline that promises answers to questions, it is an explainer.
    explainer = segment(Article(blocks=tuple(blocks), title="The four-day week explained"))
    assert explainer.arguments == ()


def test_a_topic_sentence_before_each_buried_marker_after_a_count() -> None:
    paragraphs = [
        "The council should raise water rates, for three reasons.",
        "The pipes are old. The first reason is that they are failing fast. " + _BODY,
        "Federal rules have changed. The second reason is that the utility cannot meet "
        "them. " + _BODY,
        "Our rates are low. The third reason is that cheap water deferred costs. " + _BODY,
        "The council should attach conditions.",
    ]
    assert _openings(_read(*paragraphs), 3) == ["The pipes are", "Federal rules have",
                                                "Our rates are"]
    # Unannounced, a marker after a sentence may follow the last of the previous point.
    unannounced = _read(paragraphs[0].replace(", for three reasons", ""), *paragraphs[1:])
    assert _openings(unannounced, 3) == ["The first reason", "The second reason",
                                         "The third reason"]


def test_a_concession_ends_the_last_point() -> None:
    piece = _read(
        "The ruling on standing was wrong, for three reasons.",
        f"The first problem is textual. {_BODY}", _BODY,
        f"The second problem is history. {_BODY}", _BODY,
        f"The third problem is practical. {_BODY}",
        "Defenders of the decision will say that courts must be cautious.",
        "They are right about caution, and wrong about this case.")
    assert piece.conclusion is not None
    assert piece.conclusion.startswith("Defenders of the decision")


def test_a_programme_of_events_is_no_list_of_points() -> None:
    events = ["1. The lantern procession, Friday 9pm",
              "2. The open studios, Saturday and Sunday",
              "3. Poetry at the library, Saturday 3pm",
              "4. The orchestra in the park, Saturday 7pm"]
    blocks = [Block("Our picks for the festival weekend, in order.")]
    for heading in events:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_closing_question_heading_is_not_a_point_and_subheadings_carry_unmarked_ones() -> None:
    claims = ["Most of the money goes to people who would buy anyway",
              "It mostly helps people with driveways", "It is expensive per tonne",
              "The real bottleneck is chargers"]
    blocks = [Block("The electric car subsidy has four problems.")]
    texts = ["The first problem is who claims it. " + _BODY,
             "The second problem is who can charge at home. " + _BODY,
             "Meanwhile, the people most exposed to fuel costs gain nothing. " + _BODY,
             "The fourth point is the grid. " + _BODY]
    for heading, text in zip(claims, texts, strict=True):
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(text)]
    blocks += [Block("So what should the government do instead?", BlockKind.HEADING, level=2),
               Block("Spend the money on chargers where people rent.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == claims
    assert piece.conclusion is not None and piece.conclusion.startswith("So what should")


def _headed(headings: list[str], texts: list[str], *, lead: str, close: list[Block]) -> Piece:
    blocks = [Block(lead)]
    for heading, text in zip(headings, texts, strict=True):
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(text)]
    return segment(Article(blocks=(*blocks, *close)))


def test_subheadings_that_propose_are_points_and_what_should_be_done_closes() -> None:
    proposals = ["Stop paying for desilting by the truckload", "Map the drains that exist",
                 "Enforce the buffer zones", "Let the wards do the small work"]
    close = [Block("What the city should do now", BlockKind.HEADING, level=3),
             Block("Start before the monsoon, not after it.")]
    piece = _headed(proposals, [_BODY] * 4, close=close,
                    lead="The city floods every year, and four changes would stop it.")
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == proposals
    assert piece.conclusion is not None and piece.conclusion.startswith("What the city")


def test_points_under_year_subheadings_are_a_history() -> None:
    piece = _headed(["2003: The bypass scheme", "2014: The community bid",
                     "2021: The Parkside plan"],
                    [f"The first plan was a ground by the bypass. {_BODY}",
                     f"The second plan was the supporters' own. {_BODY}",
                     f"The third plan was the council's. {_BODY}"],
                    lead="Four plans for a stadium in twenty years; none was built.", close=[])
    assert piece.arguments == ()


def test_a_bold_bottom_line_is_the_close_and_claims_are_counted() -> None:
    labels = ["Fares are not the barrier.", "Fares pay for service.",
              "Passes for the poor cost less.", "The pilots prove little."]
    blocks = [Block("Free buses sound generous. They are the wrong priority.")]
    blocks += [Block(f"{label} {_BODY}", lead=label) for label in labels]
    blocks.append(Block("The bottom line. None of this argues for high fares.",
                        lead="The bottom line."))
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 4
    assert piece.conclusion is not None and piece.conclusion.startswith("The bottom line")
    claims = _read(
        "The hotel levy's defenders make three claims.",
        f"Start with the claim that tourists pay it. {_BODY}",
        f"The second claim is that the money goes to promotion. {_BODY}",
        f"Finally, there is the claim that rivals charge more. {_BODY}",
        "None of the three survives a look at the numbers.")
    assert _openings(claims, 2) == ["Start with", "The second", "Finally, there"]


def test_two_remarks_in_a_piece_built_on_subheadings_are_not_a_list() -> None:
    blocks = [Block("Six festivals worth the trip this summer.")]
    for heading in ["Rooftop jazz, Cape Town", "Market puppets, Lagos", "Lake books, Kisumu"]:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks.append(Block("A few things are worth saying about this list as a whole. The first "
                        "is that none of these events existed a decade ago. The second is how "
                        "fragile many of them are."))
    assert segment(Article(blocks=tuple(blocks))).arguments == ()
    # In a short piece of one paragraph, the same two markers are its two points.
    teaser = _read("The harbour board wants a toll. First, the bridge is paid for. Second, "
                   "the toll would cost more to collect than it raises.")
    assert [a.marker for a in teaser.arguments] == ["First", "Second"]


def test_sections_headed_what_and_how_are_an_explainer() -> None:
    heads = ["What the study did", "What it found", "What it does not tell us",
             "How the study has been used"]
    piece = _headed(heads, [_BODY] * 4, lead="A new study of the four-day school week, read "
                    "closely.", close=[])
    assert piece.arguments == ()


def test_things_named_under_a_headline_count_are_a_listicle() -> None:
    heads = ["1. The opening procession", "2. Niamh Carolan at the customs house",
             "3. The rain", "4. The grain store late nights"]
    texts = [f"The parade was the best start the festival has had. {_BODY}"] * 4
    blocks: list[Block] = [Block("Harbour Lights was wetter than ever and better for it.")]
    for heading, text in zip(heads, texts, strict=True):
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(text)]
    review = segment(Article(blocks=tuple(blocks), title="Four things we saw at the festival"))
    assert review.arguments == ()
    argued = segment(Article(blocks=tuple(blocks), title="Four reasons the festival worked"))
    assert len(argued.arguments) == 4


def test_a_numbered_q_and_a_and_a_quoted_charter_are_not_points() -> None:
    qa = ["1. What did the pilot involve?", "2. Did productivity fall?",
          "3. What happened to sickness?", "4. What does it cost?"]
    blocks: list[Block] = [Block("Your questions about the four-day-week pilot, answered.")]
    for heading in qa:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()
    charter = _read(
        "The nurses' charter is worth reading before it is shouted down.",
        "It sets out what the union calls its five commitments, which I reproduce here in "
        "full, as the union published them:",
        '"We call on the government to commit to:',
        "1. Minimum nurse-to-patient ratios on every ward.",
        "2. An end to mandatory overtime.",
        '3. Pay parity with the neighbouring provinces."',
        "Read that way, it is a modest document.")
    assert charter.arguments == ()


# Forms read right: a piece's paragraphs, how many words of each argument are compared, and
# how its arguments open.
READINGS = [
    pytest.param(
        [
            "We object to the extension for the following reasons.",
            f"1. The blasting survey is out of date. {_BODY}",
            f"1. The lorry route is not binding. {_BODY}",
            "The conditions officers propose only encourage the northern junction.",
            f"1. The restoration bond is too small. {_BODY}",
            "Yours faithfully, the residents' group."],
        3, ["1. The blasting", "1. The lorry", "1. The restoration"],
        id="a-list-numbered-one-throughout-is-still-a-list"),
    pytest.param(
        [
            "Why should the rest of us care that nursery places are scarce? Let us break it down.",
            f"Take the families first. {_BODY}",
            f"Then there are the employers. {_BODY}",
            f"Add to that the state of the workforce. {_BODY}",
            f"Worse, the funded hours do not cover costs. {_BODY}",
            "None of this is new, and the council is not powerless."],
        2, ["Take the", "Then there", "Add to", "Worse, the"],
        id="an-imperative-first-then-additions"),
    pytest.param(
        [
            "The blackout left the town with lessons it should not forget.",
            f"The list begins with the obvious one: keep the radios charged. {_BODY}",
            f"Another lesson is that neighbours matter more than plans. {_BODY}",
            f"A harder lesson is that nobody owns the grid. {_BODY}",
            "In the end, the lights came back on."],
        2, ["The list", "Another lesson", "A harder"],
        id="the-counted-noun-carries-a-point-without-a-marker"),
    pytest.param(
        [
            "Five objections to kerb charges come up again and again: 1) that they kill trade; "
            "2) that they cost jobs; 3) that residents own the kerb; 4) that the money is "
            "wasted; and 5) that charging is unfair. I take each in turn.",
            f"Start with trade. {_BODY}",
            f"Jobs are the next worry. {_BODY}",
            f"Then there is the question of rights. {_BODY}",
            f"Fourth, there is the suspicion about the money. {_BODY}",
            f"Finally, fairness. {_BODY}",
            "What follows for the council? Set charges by demand."],
        2, ["Start with", "Jobs are", "Then there", "Fourth, there",
            "Finally, fairness."],
        id="a-preview-in-one-paragraph-gives-way-to-the-points-argued-after-it"),
    pytest.param(
        [
            "There are three reasons to vote the levy down.",
            f"The first reason is the cost. {_BODY}",
            f"The second is the timing. {_BODY}",
            f"The third, and in our view the most serious, is the lack of a plan. {_BODY}",
            "That is why we say no."],
        2, ["The first", "The second", "The third,"],
        id="the-third-and-most-important-is-a-marker"),
    pytest.param(
        [
            "The arena deal is a bad bargain for the city.",
            f"Consider the promise of new jobs. {_BODY}",
            f"Then there's the question of who carries the debt. {_BODY}",
            f"What's more, the land itself has a better use. {_BODY}",
            f"Most important, the threat to leave is empty. {_BODY}",
            "In the end, a budget is a statement of values."],
        2, ["Consider the", "Then there's", "What's more,",
            "Most important,"],
        id="loose-markers-after-consider"),
    pytest.param(
        [
            "The county should not cut the rural bus routes.",
            f"One reason is that the passenger figures are wrong. {_BODY}",
            f"Another is that the savings are small. {_BODY}",
            f"And then there is the matter of the school runs. {_BODY}",
            "What should happen now is straightforward."],
        2, ["One reason", "Another is", "And then"],
        id="one-reason-another-is-and-then-there-is"),
    pytest.param(
        [
            "The payroll tax rise will hurt hiring, for reasons the Treasurer should weigh.",
            f"Consider the small firms on the threshold. {_BODY}",
            f"What's more, the rise lands in a slow quarter. {_BODY}",
            f"There's a regional dimension too. {_BODY}",
            f"Most important of all, the revenue is overstated. {_BODY}",
            "We would ask the Treasurer to think again."],
        2, ["Consider the", "What's more,", "There's a",
            "Most important"],
        id="more-turns-that-add-a-point"),
    pytest.param(
        [
            "The clinic's closure worries me, as its last doctor.",
            f"My first worry is the drive. {_BODY}",
            f"My second worry is the night calls. {_BODY}",
            f"There is a quieter loss, too. {_BODY}",
            f"Last, the town loses a meeting place. {_BODY}",
            "I do not want to be only a critic."],
        2, ["My first", "My second", "There is", "Last, the"],
        id="a-turn-between-the-second-and-the-last-is-a-point"),
    pytest.param(
        [
            "To the editor: the rent cap will not do what the council promised.",
            "I have rented in this city for fifteen years, and I want the council to succeed.",
            f"The cap was sold as a way to keep families in their homes. {_BODY}",
            f"Additionally, the council gave the public one week to comment. {_BODY}",
            f"Worse yet, the plan does nothing about repairs. {_BODY}",
            f"Lastly, the ordinance treats a tenant of thirty years like a new one. {_BODY}",
            "Sincerely, a renter."],
        2, ["The cap", "Additionally, the", "Worse yet,", "Lastly, the"],
        id="additionally-worse-yet-lastly-after-an-unmarked-first-point"),
    pytest.param(
        [
            "A higher minimum wage would help my shop, not hurt it. Here's why.",
            f"The big chains already set the price of labour. {_BODY}",
            f"What's more, my customers are minimum-wage workers. {_BODY}",
            f"Most important, turnover is killing us. {_BODY}",
            "I know not every owner agrees."],
        2, ["The big", "What's more,", "Most important,"],
        id="here-s-why-announces-the-points-that-follow"),
    pytest.param(
        [
            "The meters are a mistake. There are three reasons.",
            f"The first reason is the shops. {_BODY}",
            f"A second problem is the enforcement. {_BODY}",
            f"And then there's the question nobody asked. {_BODY}",
            "The council should think again."],
        2, ["The first", "A second", "And then"],
        id="a-turn-after-the-numbered-points-completes-the-count"),
    pytest.param(
        [
            "The waiting-list plan will not work.",
            f"For one thing, the target depends on staff the service does not have. {_BODY}",
            f"For another, the plan says almost nothing about social care. {_BODY}",
            "Ministers should start again."],
        3, ["For one thing,", "For another, the"],
        id="for-one-thing-and-for-another-are-two-points"),
    pytest.param(
        [
            "Singapore's older workers are held back, and not by age.",
            f"One reason is the way pay is set. {_BODY}",
            f"Add to that the question of health. {_BODY}",
            f"Perhaps most important is the matter of attitude. {_BODY}",
            "None of this needs new law."],
        2, ["One reason", "Add to", "Perhaps most"],
        id="perhaps-most-important-is-a-turn"),
    pytest.param(
        [
            "Betting advertising should be banned.",
            f"Consider, to start with, who loses the money. {_BODY}",
            f"Then there's the product, redesigned for speed. {_BODY}",
            f"What's more, the tax windfall has not come. {_BODY}",
            "Defenders of the current system have two good arguments. The first is that "
            "prohibition does not work. The second is that most people bet without harm.",
            "Neither survives the evidence."],
        2, ["Consider, to", "Then there's", "What's more,"],
        id="the-other-side-s-arguments-after-the-writer-s-are-answered-not-argued"),
    pytest.param(
        [
            "I have three concerns about the arena and the rates that will pay for it.",
            f"Firstly, the attendance forecast is optimistic. {_BODY}",
            f"Additionally, the operating costs are underestimated. {_BODY}",
            f"Lastly, the land could house four hundred families. {_BODY}",
            "I urge the council to think again."],
        2, ["Firstly, the", "Additionally, the", "Lastly, the"],
        id="additionally-between-firstly-and-lastly-fills-the-count"),
    pytest.param(
        [
            "The sugar levy's critics make two claims, and both are wrong.",
            f"The first claim is that the levy hits the poor. {_BODY}",
            f"The second claim is that it does not work. {_BODY}",
            "So what should ministers do?",
            f"First, they should give manufacturers time to reformulate. {_BODY}",
            f"Second, they should treat milk drinks honestly. {_BODY}",
            f"Third, they should spend the money on school sport. {_BODY}",
            "None of this is radical."],
        2, ["The first", "The second", "First, they", "Second, they",
            "Third, they"],
        id="a-question-about-what-to-do-leads-the-writer-s-own-proposals"),
    pytest.param(
        [
            "The fuel levy fails on two fronts.",
            f"Start with the price signal, which is too weak to change behaviour. {_BODY}",
            f"Then there's the question of where the money goes. {_BODY}",
            "The minister should send it back."],
        2, ["Start with", "Then there's"],
        id="two-fronts-opened-by-start-with-and-then-there-s"),
    pytest.param(
        [
            "The betting-ad caps are a half-measure.",
            "I welcome any limit on gambling ads, but this one was drafted to fail.",
            f"The caps will leave the industry's biggest channel untouched. {_BODY}",
            f"Then there's the online loophole. {_BODY}",
            f"What's more, the package leaves inducements alone. {_BODY}",
            f"Worst of all, the half-measure may stall a full ban. {_BODY}",
            "Parliament should start again."],
        2, ["The caps", "Then there's", "What's more,", "Worst of"],
        id="worst-of-all-and-one-last-point-close-a-chain-of-turns"),
]


@pytest.mark.parametrize(("paragraphs", "words", "openings"), READINGS)
def test_the_form_is_read(paragraphs: list[str], words: int, openings: list[str]) -> None:
    assert _openings(_read(*paragraphs), words) == openings


# Traps: pieces whose markers or labels are no list of the writer's points.
NOT_LISTS = [
    pytest.param([
        "The clubs' positions after the autumn, from the table.",
        f"9. Harbour Town held its place. {_BODY}",
        f"8. The Rovers slipped one. {_BODY}",
        f"7. Westfield climbed again. {_BODY}",
        "The table resumes in March."],
        id="numbers-that-only-fall-are-no-countdown-unless-they-reach-one"),
    pytest.param([
        "The council debated the depot on Tuesday.",
        f"For one thing, the roof leaks. {_BODY}",
        f"Also, the yard floods in winter. {_BODY}",
        f"The chair said a decision would come in the spring. {_BODY}"],
        id="a-first-with-one-turn-after-it-is-not-enough"),
    pytest.param([
        "A long account of the harbour's year.",
        f"To begin with, the spring was dry. {_BODY}",
        *[f"The boats went out as usual. {_BODY}"] * 5,
        f"Then there was the storm. {_BODY}",
        f"Also, the quay was repaired. {_BODY}"],
        id="turns-far-from-the-first-are-not-its-points"),
    pytest.param([
        "How to paint a fence in a weekend.",
        f"Buy the paint on Friday. Start with the posts, then the rails. {_BODY}",
        f"Then there are the gates, which take longest. {_BODY}",
        f"Also, keep a rag for drips. {_BODY}"],
        id="start-with-inside-a-paragraph-is-an-instruction"),
    pytest.param([
        "A week of the heat, as it went.",
        f"Monday. The thermometer passed thirty by ten. {_BODY}",
        f"Tuesday. The library opened as a cool room. {_BODY}",
        f"Wednesday. My neighbour kept her windows shut. {_BODY}",
        f"Thursday. A main burst on the high street. {_BODY}",
        "Then the storm came."],
        id="days-as-bold-labels-are-a-diary-not-points"),
    pytest.param([
        "How the school budget gets made, from the first spreadsheet to the vote.",
        f"First, in early November, each principal drafts a request. {_BODY}",
        f"Next, in January, the superintendent proposes a budget. {_BODY}",
        f"Finally, on the third Tuesday in May, voters go to the polls. {_BODY}"],
        id="steps-told-by-when-they-happen-are-a-process"),
    pytest.param([
        "In six days three things happened that tell us where we stand: (i) the worst rain in "
        "forty years flooded two thousand homes; (ii) the southern power line failed for a "
        "day; and (iii) the exam results came out on schedule as if nothing were amiss.",
        f"The government has said little. {_BODY}"],
        id="things-that-happened-are-news-not-points"),
    pytest.param([
        "Your first marathon, in sixteen weeks.",
        "First, get your shoes sorted at a running shop before the first long run.",
        "Second, pick your target time honestly, and then add ten minutes to it.",
        "The plan below takes you from there to the start line."],
        id="training-advice-in-imperatives-is-a-procedure"),
    pytest.param([
        "A climate scientist on heat in schools.",
        "Q: Why has this become worse?",
        "A: Two things are happening at once. The first is simply the climate. "
        "The second is the buildings, which trap heat.",
        "Q: What can a school do now?",
        "A: Quite a lot. The first step is to measure which rooms get hot."],
        id="a-q-and-a-s-lists-are-the-answerer-s"),
    pytest.param([
        "The county budget in ten numbers.",
        "1. £1.14 billion. The total budget, up 4.8 per cent.",
        "2. 4.99 per cent. The rise in the council's share of the tax.",
        "3. £2,118. What a typical household will pay.",
        "4. 58 per cent. The share spent on adult social care.",
        "Next week: what the opposition would cut."],
        id="a-numbered-list-of-figures-is-data"),
    pytest.param([
        "The nurses' strike is not about pay.",
        "Their union's claim sets out the members' demands in six numbered points. I "
        "reproduce them here in summary:",
        "1. A pay rise of 20 per cent over three years.",
        "2. Enforceable nurse-to-patient ratios on every ward.",
        "3. An end to mandatory overtime, except in emergencies.",
        "Only the first is about pay."],
        id="a-list-reproduced-from-someone-else-is-reported-not-argued"),
    pytest.param([
        "Two years of this newsletter: some notes.",
        f"First, the numbers, because people always ask. {_BODY}",
        "There have been three big jumps in readers. The third, and biggest, came last "
        "spring during the school board elections.",
        "Thank you for reading."],
        id="the-third-and-biggest-came-is-narration-not-a-marker"),
]


@pytest.mark.parametrize("paragraphs", NOT_LISTS)
def test_the_trap_gets_no_arguments(paragraphs: list[str]) -> None:
    assert _read(*paragraphs).arguments == ()
