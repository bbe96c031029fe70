"""Ways of enumerating that a blind set of pieces (tests/articles/holdout) showed the splitter
missing: a countdown, a list numbered "1." throughout, a first point followed by turns that
add one more ("For one thing ... For another ... And then there is"), an imperative first
("Start with", "Take ... first"), and a summary that previews the points before the body
argues them. Each form is held here on short original pieces, with the traps beside it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.articles.extract import extract_markdown
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


def test_past_the_longest_point_s_length_the_last_one_gives_way_to_the_close() -> None:
    # Nothing marks the step back; the last point would run twice as long as any other.
    piece = _read(
        "The arena deal is a bad bargain, for three reasons.",
        f"First, the jobs are seasonal. {_BODY}", "We have seen this before, in 2009.",
        f"Second, the debt falls on the city. {_BODY}", "The bonds run for thirty years.",
        f"Third, the land has better uses. {_BODY}", "We have a housing list to clear.",
        "Councillors were elected to drive a harder bargain than this one.",
        "They still can, if they send the deal back on Tuesday.")
    assert piece.arguments[-1].text.endswith("We have a housing list to clear.")
    assert piece.conclusion is not None and piece.conclusion.startswith("Councillors were")


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


def test_none_of_these_in_the_last_numbered_section_steps_back_to_the_close() -> None:
    blocks = [Block("The ratings board meets next month. Here is what it should do.")]
    for heading in ["1. Call it gambling", "2. Publish the odds", "3. Stop selling to children"]:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks += [Block("Parents should not need a forum thread to learn what a game sells."),
               Block("None of these rules is radical; most are law somewhere already."),
               Block("The board has put this off twice.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 3
    assert "forum thread" in piece.arguments[-1].text
    assert piece.conclusion is not None and piece.conclusion.startswith("None of these rules")


def test_the_last_section_running_past_the_others_gives_way_to_a_step_back() -> None:
    blocks = [Block("The midwives' union has four demands of the health board.")]
    for heading in ["Safe staffing on every shift", "Pay that keeps people",
                    "Protected breaks", "A say in the rota"]:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks += [Block("We are not asking for the moon. Every one of these is law elsewhere."),
               Block("The board meets on the ninth; come and stand with us.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 4
    assert piece.conclusion is not None and piece.conclusion.startswith("We are not asking")
    # A last section no longer than the others keeps its own paragraphs.
    blocks[-2:] = [Block(_BODY)]
    blocks[2:2] = [Block(_BODY)]
    blocks[5:5] = [Block(_BODY)]
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 4 and piece.conclusion is None


def _faq_blocks(sections: list[tuple[str, list[str]]]) -> list[Block]:
    blocks = [Block("People stop us at the market to ask about the plant. Here are answers.")]
    for section, questions in sections:
        blocks.append(Block(section, BlockKind.HEADING, level=2))
        for question in questions:
            blocks += [Block(question, BlockKind.HEADING, level=3),
                       Block(f"No, and the council's papers show why. {_BODY}")]
    return blocks


def _faq(sections: list[tuple[str, list[str]]],
         title: str = "The incinerator: your questions answered") -> Piece:
    return segment(Article(blocks=tuple(_faq_blocks(sections)), title=title))


def test_objections_put_as_questions_are_points_and_a_higher_subheading_ends_them() -> None:
    piece = _faq([("The case against the plant", [
        "Isn't burning waste better than landfill?", "Won't it bring jobs?",
        "Why Carsewell?", "The council gave permission. Isn't it too late?"]),
        ("Getting involved", ["How do I object?", "When is the public meeting?"])])
    assert _openings(piece, 2) == ["Isn't burning", "Won't it", "Why Carsewell?", "The council"]
    assert piece.conclusion is not None and piece.conclusion.startswith("Getting involved")
    # A last question with no body text below it (the page's contact box) heads no point.
    blocks = _faq_blocks([("Your objections", ["Isn't killing deer cruel?",
                                               "Why not fence the trees?",
                                               "Won't the deer come back?"])])
    blocks.append(Block("Still have questions?", BlockKind.HEADING, level=3))
    assert len(segment(Article(blocks=tuple(blocks))).arguments) == 3
    # Under a kicker that says the page answers questions ("FAQ:"), objections still argue.
    blog = _faq([("My reasons", ["Isn't that a bit precious?", "Don't you miss your friends?",
                                 "Won't you end up on your phone anyway?"])],
                title="FAQ: Why I'm off social media")
    assert len(blog.arguments) == 3
    # Numbered the same way: "1. Won't a strike put patients at risk?".
    union = _faq([("Questions from the public", [
        "1. Won't a strike put patients at risk?", "2. Aren't nurses already well paid?",
        "3. Why not wait for an arbitrator?"])], title="Why we're voting yes")
    assert [a.marker for a in union.arguments] == ["1.", "2.", "3."]


def test_questions_that_ask_for_facts_are_an_faq() -> None:
    piece = _faq([("About the plant", [
        "What will the plant burn?", "How tall is the chimney?", "When would it open?",
        "Who owns the site?"])])
    assert piece.arguments == ()


def test_the_questions_readers_asked_this_week_are_a_digest_not_points() -> None:
    def piece(title: str, questions: list[str]) -> Piece:
        blocks = [Block("Every Friday we answer the questions that came up most this week.")]
        for n, question in enumerate(questions, 1):
            blocks += [Block(f"{n} {question}", BlockKind.HEADING, level=2),
                       Block(f"The council says the work is on schedule. {_BODY}")]
        return segment(Article(blocks=tuple(blocks), title=title))

    digest = piece("The week in four questions", [
        "When will the bridge reopen?", "Who is standing in the byelection?",
        "Why does my power bill have a new line?", "What happened at the board meeting?"])
    assert digest.arguments == ()
    asked = piece("Four questions the board must answer", [
        "Why was the clinic never costed?", "Why did the consultation last a week?",
        "What will replace the night ward?", "Who decided to skip the hearing?"])
    assert len(asked.arguments) == 4


def test_an_update_or_a_disclosure_beside_bold_claims_is_a_note_not_a_point() -> None:
    claims = ["The cap is evaded at the change of tenancy.", "Tenants carry the whole burden.",
              "It has done little for supply.", "Nobody has measured whether it works."]
    blocks = [Block("Update, 14 March: readers asked where the figures come from; see below.",
                    lead="Update, 14 March:"),
              Block("The bill extends the rent zones for three more years. It should not pass "
                    "as it stands.")]
    blocks += [Block(f"{claim} {_BODY}", lead=claim) for claim in claims]
    blocks += [Block("The committee can still make the extension worth having."),
               Block("Disclosure: the author rents a flat in a zone.", lead="Disclosure:")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece) == ["The cap is", "Tenants carry the", "It has done",
                                "Nobody has measured"]


def test_a_digest_s_numbered_items_each_introducing_someone_else_s_work() -> None:
    items = [("1. The land tax is back.", "The Ashbury Institute has published a paper arguing "
              "that council tax should go."),
             ("2. The regulator gets a kicking.", "An op-ed in the Morning Courier by a former "
              "minister says it should be split up."),
             ("3. Councils and the four-day week.", "Journalists at The Ledger say it should "
              "stay."),
             ("4. One to listen to.", "On the Policy Shed podcast, an economist says why "
              "productivity should be measured differently.")]
    blocks = [Block("Good morning. This week's reading ranged widely.")]
    blocks += [Block(f"{label} {rest} {_BODY}", lead=label) for label, rest in items]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()
    # The same labels over the writer's own case are the points.
    own = [Block(f"{label} The council should act on it now. {_BODY}", lead=label)
           for label, _ in items]
    assert len(segment(Article(blocks=(blocks[0], *own))).arguments) == 4


def test_takeaways_from_a_report_are_its_findings_reported() -> None:
    heads = ["1. Fewer homes will be built", "2. Most of the money goes to big cities",
             "3. The payments are front-loaded", "4. Costs per home vary widely"]
    blocks: list[Block] = [Block("The budget officer's report is the first independent estimate.")]
    for heading in heads:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    report = segment(Article(blocks=tuple(blocks),
                             title="Four takeaways from the watchdog's housing report"))
    assert report.arguments == ()
    debate = segment(Article(blocks=tuple(blocks),
                             title="Four lessons from the watchdog's housing report"))
    assert len(debate.arguments) == 4


def test_a_newsletter_s_sections_with_a_reading_list_among_them_are_no_points() -> None:
    blocks = [Block("Hello again. I've been quiet for three reasons, none interesting: the "
                    "boiler, the laptop and a cold.")]
    for heading in ["Seven links worth your time", "Reading", "Next week"]:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()
    blocks = [blocks[0]]
    for heading in ["Also in the postbag", "Most-read letters this week", "Write to us"]:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()
    # A heading that only ends like one ("Lessons from elsewhere") heads a point.
    blocks = [Block("The council should drop the bus plan, for three reasons.")]
    for heading in ["The fares are still too high", "The buses are still too slow",
                    "Lessons from elsewhere"]:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    assert len(segment(Article(blocks=tuple(blocks))).arguments) == 3


def test_an_italic_sentence_label_longer_than_a_heading_is_still_one_of_the_labels() -> None:
    claims = ["It asks households to trust a payment they will never notice.",
              "It leaves out the people least able to absorb the price.",
              "It ties the rebate to a levy that is scheduled to rise before anyone has seen a "
              "single cheque.",
              "And it spends its credibility on a regional loading."]
    blocks = [Block("I have supported carbon pricing for years. The design of this package has "
                    "four problems.")]
    blocks += [Block(f"{claim} {_BODY}", lead=claim) for claim in claims]
    blocks += [Block("So what would I do instead? Pay the dividend first.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece) == ["It asks households", "It leaves out", "It ties the",
                                "And it spends"]


def test_a_last_section_after_a_break_that_says_so_i_will_is_the_close() -> None:
    blocks = [Block("Council votes on Thursday on average-speed cameras for the coast road. "
                    "I will vote no, for three reasons.")]
    for opening in ["The collisions are not where the cameras would go.",
                    "The money would buy more safety spent another way.",
                    "And nobody has asked the people who live along it."]:
        blocks += [Block(f"{opening} {_BODY}", after_break=True)]
    blocks += [Block("So I'll vote against on Thursday, and move an amendment.",
                     after_break=True), Block("As always, my inbox is open.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece) == ["The collisions are", "The money would", "And nobody has"]
    assert piece.conclusion is not None and piece.conclusion.startswith("So I'll")


def test_a_label_after_a_letter_s_signature_line_is_not_one_more_point() -> None:
    labels = ["Safety.", "Cost.", "Fairness.", "Process."]
    blocks = [Block("The association supports more places for dogs to run, but not this one.")]
    blocks += [Block(f"{label} The proposal should be rethought. {_BODY}", lead=label)
               for label in labels]
    blocks += [Block("We would be glad to meet staff to walk the site."), Block("Sincerely,"),
               Block("The Board of the Larkfield Neighborhood Association, Jolene Marchetti, "
                     "President"),
               Block("To testify on February 12: sign up on the city website by noon.",
                     lead="To testify on February 12:")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split(".")[0] for a in piece.arguments] == [
        label.rstrip(".") for label in labels]


def test_what_to_give_instead_as_the_last_subheading_heads_the_close() -> None:
    blocks = [Block("Don't give anyone a video doorbell this year, for four reasons.")]
    for heading in ["The subscription is the real price", "Your relatives did not ask for it",
                    "Installation is not a gift", "The hardware ages faster than the door",
                    "What to give instead"]:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    piece = segment(Article(blocks=tuple(blocks)))
    assert len(piece.arguments) == 4
    assert piece.conclusion is not None and piece.conclusion.startswith("What to give instead")


def test_a_plan_built_on_four_steps_is_a_policy_argued_not_a_procedure() -> None:
    blocks = [Block("Waiting lists are a symptom of a system without staff or beds. That is why "
                    "we are setting out a plan built on four steps.")]
    for heading in ["Grow the workforce first", "Ring-fence planned care",
                    "Expand day-case surgery", "Publish the data, honestly"]:
        blocks += [Block(heading, BlockKind.HEADING, level=3),
                   Block(f"We would fund it from the first year. {_BODY}")]
    blocks.append(Block("This is not a quick fix, and we will not pretend it is."))
    assert len(segment(Article(blocks=tuple(blocks))).arguments) == 4


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
    # A headline saying what someone ought to do argues the things it counts.
    cuts = segment(Article(blocks=tuple(blocks),
                           title="Four things the festival should stop paying for"))
    assert len(cuts.arguments) == 4
    guide = segment(Article(blocks=tuple(blocks), title="Four must-see shows at the festival"))
    assert guide.arguments == ()
    visit = segment(Article(blocks=tuple(blocks),
                            title="Four things you should see at the festival"))
    assert visit.arguments == ()


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


def _headed_piece(title: str, headings: list[str]) -> Piece:
    blocks = [Block("This week's question, put to the people who write for us.")]
    for n, heading in enumerate(headings):
        blocks += [Block(heading, BlockKind.HEADING, level=2),
                   Block(f"Answer {n}: I have tried for years. {_BODY}")]
    return segment(Article(blocks=tuple(blocks), title=title))


def test_a_section_for_each_person_the_headline_counts_is_a_symposium() -> None:
    names = ["Nadia Berg", "Pieter Anand", "Carys Mwangi", "Tomasz Eze"]
    assert _headed_piece("The classic I can't love: four critics confess", names).arguments == ()
    # Four things the headline counts, each a heading: a list.
    claims = ["The tempo never changes", "The words say nothing", "The sound has dated",
              "The legend outgrew the songs"]
    assert len(_headed_piece("Four reasons the classic is overrated", claims).arguments) == 4


def test_headings_that_cite_other_writers_pieces_are_a_reading_list() -> None:
    cited = ['"Our cities were built for another climate" — Anna Borg, in the Review',
             '"Cooling centres are not a plan" — Dev Rao, on his Substack',
             '"The heat is a labour story" — Rosa Tembe, in the Ledger']
    assert _headed_piece("Weekend reading: pieces on heat", cited).arguments == ()


def test_myth_and_fact_labels_are_the_points_not_two_speakers() -> None:
    pairs = [("Preference voting is too complicated", "Ranking is what people do daily."),
             ("It hands power to small parties", "Single-member seats stop that."),
             ("Counting will take weeks", "Hours, as the trial count showed.")]
    text = "# Three myths about preference voting\n\nThe referendum is next month.\n\n" + "".join(
        f"**Myth: {myth}.**\n\n**Fact:** {fact} {_BODY}\n\n" for myth, fact in pairs)
    piece = segment(extract_markdown(text + "Vote yes.\n"))
    assert [a.text.split(".")[0] for a in piece.arguments] == [f"Myth: {m}" for m, _ in pairs]


def test_a_poll_lead_in_points_is_no_count() -> None:
    piece = _read("The leader is eight points ahead, and she should not relax.",
                  f"First, the economy is turning. {_BODY}", f"Second, her party is split. {_BODY}",
                  "She has a year.")
    assert piece.announced_count is None and len(piece.arguments) == 2


def test_bold_labels_keep_their_style_and_a_turn_between_them_fills_the_count() -> None:
    def bold(label: str, rest: str) -> Block:
        return Block(f"{label} {rest}", lead=label)

    blocks = (Block("The department published its rules for buying software on Tuesday."),
              Block(f"The headline is reasonable enough: buyers must test what they buy. {_BODY}"),
              Block("But the framework has three problems, in rising order of worry."),
              bold("It buys promises, not oversight.", _BODY),
              Block(f"There's a subtler issue too. It locks out rivals. {_BODY}"),
              bold("It forgets who is on the other end.", _BODY),
              Block("None of this is an argument against buying software."))
    piece = segment(Article(blocks=blocks))
    assert _openings(piece) == ["It buys promises,", "There's a subtler", "It forgets who"]


def test_numbered_questions_for_someone_are_an_interview() -> None:
    blocks = [Block("The new chief executive talks about the waiting list and the repairs.")]
    for n, question in enumerate(["What has surprised you?", "Do you accept the report?",
                                  "What are you going to do first?"], 1):
        blocks += [Block(f"{n}. {question}", BlockKind.HEADING, level=2), Block(f"I {_BODY}")]
    article = Article(blocks=tuple(blocks), title="Three questions for Rosalind Marsh")
    assert segment(article).arguments == ()


def test_an_interview_asking_in_plain_paragraphs_carries_the_answerer_s_reasons() -> None:
    piece = _read(
        "Interview by Sam Oduya | The Valley Courier",
        "You have been in the job four months and you are already the least popular person in "
        "the valley. Was that the plan?",
        f"I don't think so. Nobody takes a job like this to be liked. {_BODY}",
        "Why get rid of the off-peak fare? People are upset about it.",
        "There are three reasons. The first is simplicity: we had eleven fare products. "
        f"{_BODY} The second is that the discount does not do what it was meant to. {_BODY}",
        "What does success look like a year from now?",
        f"Buses that turn up when the timetable says they will. {_BODY}",
        "And if the board votes the fares down?",
        f"Then I will find the money somewhere else and say what we cut. {_BODY}")
    assert piece.arguments == ()


def test_things_to_know_under_a_headline_count_are_a_guide() -> None:
    blocks = [Block("The night market returns on Friday.")]
    for n, fact in enumerate(["It runs every weekend", "Entry is free", "Bring some cash"], 1):
        blocks += [Block(f"{n}. {fact}", BlockKind.HEADING, level=2), Block(_BODY)]
    article = Article(blocks=tuple(blocks), title="3 things to know before the market returns")
    assert segment(article).arguments == ()


def test_a_heading_over_the_first_of_a_list_heads_the_list_not_the_point() -> None:
    blocks = (Block("The trustees vote on Thursday on the investment mandate."),
              Block("Why the trustees should vote no", BlockKind.HEADING, level=2),
              Block(f"Start with the returns, the trustees' only legal duty. {_BODY}"),
              Block(f"Then there is the conflict of interest. {_BODY}"),
              Block(f"Worse still, the fund doubles its bet on one economy. {_BODY}"),
              Block(f"And the last problem is what the mandate does to accountability. {_BODY}"),
              Block("What would work instead", BlockKind.HEADING, level=2),
              Block("None of this means the city should give up on the projects."))
    piece = segment(Article(blocks=blocks))
    assert _openings(piece, 2) == ["Start with", "Then there", "Worse still,", "And the"]


def test_two_lists_of_different_kinds_under_their_own_subheadings_are_both_kept() -> None:
    blocks = [Block("The council's climate plan is better than the last one, and worse than it "
                    "needs to be."),
              Block("What the plan gets right", BlockKind.HEADING, level=2)]
    for label in ["It measures what matters.", "It takes the council's buildings seriously.",
                  "It finally joins up climate and nature."]:
        blocks.append(Block(f"{label} {_BODY}", lead=label))
    blocks.append(Block("Where it falls short", BlockKind.HEADING, level=2))
    blocks.append(Block("We see three gaps the council should close before it adopts the plan."))
    blocks += [Block(f"{m}, {rest} {_BODY}") for m, rest in [
        ("First", "the district targets have no teeth."),
        ("Second", "transport is the weakest part."), ("Third", "there is no plan for heat.")]]
    blocks.append(Block("The consultation closes on Friday."))
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["It measures", "It takes", "It finally", "First, the",
                                   "Second, transport", "Third, there"]


def test_sections_between_breaks_are_the_points_a_count_announces() -> None:
    blocks = [Block("The board wants software to mark the long answers. I see four problems "
                    "with that, and the pilot answers none of them.")]
    for point in ["Agreement with past marks is not good marking.",
                  "Students will learn to write for the machine.",
                  "Nobody can explain a mark the software gives.",
                  "The examiner shortage is a problem to solve.",
                  "I do not think the board's people are villains."]:
        blocks += [Block(f"{point} {_BODY}", after_break=True), Block(_BODY)]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["Agreement with", "Students will", "Nobody can",
                                   "The examiner"]
    assert piece.conclusion is not None and piece.conclusion.startswith("I do not think")
    # The same breaks in a story that counts nothing are its scenes.
    story = [Block("We drove north in the rain.")] + [
        Block(f"{scene} {_BODY}", after_break=True) for scene in
        ["The hotel was shut.", "In the morning the road was gone.", "By noon we were home."]]
    assert segment(Article(blocks=tuple(story))).arguments == ()


def test_numbered_agenda_items_are_minutes() -> None:
    blocks = [Block("Minutes of the annual general meeting, held at the Boat House.")]
    for n, item in enumerate(["Welcome", "Minutes of the 2024 AGM", "Matters arising",
                              "Chair's report", "Any other business"], 1):
        blocks += [Block(f"{n}. {item}", BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_report_s_numbered_sections_are_no_list_of_points() -> None:
    blocks = []
    for n, section in enumerate(["Introduction", "General comments", "Specific concerns",
                                 "Conclusion"], 1):
        blocks += [Block(f"{n}. {section}", BlockKind.HEADING, level=2), Block(_BODY),
                   Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_lettered_items_in_minutes_are_the_meeting_s_business() -> None:
    blocks = [Block("Minutes of the annual general meeting.")]
    for n, item in enumerate(["Welcome", "Matters arising", "Any other business"], 1):
        blocks += [Block(f"{n}. {item}", BlockKind.HEADING, level=2), Block(_BODY)]
    blocks += [Block(f"({letter}) A member asked about the {thing}. {_BODY}")
               for letter, thing in zip("abc", ["steps", "lights", "street party"], strict=True)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_points_then_other_news_under_bold_labels_are_two_things() -> None:
    blocks = [Block("The association objects to the Tanner's Field application, on four grounds.")]
    for label in ["Traffic.", "Drainage.", "Scale.", "The school."]:
        blocks.append(Block(f"{label} {_BODY}", lead=label))
    blocks.append(Block("Other news", BlockKind.HEADING, level=2))
    for label in ["Litter pick", "Speed watch", "Subscriptions"]:
        blocks.append(Block(f"{label} - Saturday at ten, at the bus shelter.", lead=label))
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split(".")[0] for a in piece.arguments] == [
        "Traffic", "Drainage", "Scale", "The school"]


@pytest.mark.parametrize("close", ["I do not want to be unfair to the board, which has had "
                                   "a hard year.", "None of these fixes is expensive.",
                                   "So the board should send the plan back.",
                                   "The finance secretary is right that the hospitals need "
                                   "money they can spend quickly."])
def test_a_closing_paragraph_near_the_end_is_the_conclusion(close: str) -> None:
    # Points of three paragraphs, the last of two: a step back by length alone is not found.
    piece = _read("The arena plan is a bad bargain, for three reasons.",
                  f"First, the jobs are seasonal. {_BODY}", _BODY, _BODY,
                  f"Second, the debt is ours. {_BODY}", _BODY, _BODY,
                  f"Third, the land has better uses. {_BODY}", _BODY, close,
                  "The vote is on Thursday.")
    assert piece.conclusion is not None and piece.conclusion.startswith(close[:20])
    assert close not in piece.arguments[-1].text


def test_an_acknowledgement_just_before_the_closing_call_begins_the_conclusion() -> None:
    piece = _read("The branch closures are wrong, for three reasons.",
                  f"First, the savings are small. {_BODY}", f"Second, the users are poor. {_BODY}",
                  f"Third, the buildings will rot. {_BODY}", _BODY, _BODY,
                  "I understand that the county faces hard choices this year.",
                  "In short, the board should keep the branches open.")
    assert piece.conclusion is not None and piece.conclusion.startswith("I understand")


def test_a_linked_headline_between_points_is_not_a_crosshead() -> None:
    # A news site sets a link to another story into the column as a line of its own; the
    # third point still starts at its marker, and a short crosshead still heads its point.
    def piece(line: str) -> Piece:
        blocks = [Block("The slip fee is the wrong place to look for money, for three reasons.")]
        blocks += [Block(f"First, the fee raises little. {_BODY}"),
                   Block(f"Second, it turns patients away. {_BODY}"),
                   Block(line, BlockKind.HEADING, level=3),
                   Block(f"Third, it hands clerks discretion. {_BODY}"),
                   Block("The department should look elsewhere.")]
        return segment(Article(blocks=tuple(blocks)))
    linked = piece("Fee rise: Teaching hospitals to charge Rs50 for outpatient slips from April")
    assert linked.arguments[2].text.startswith("Third, it hands")
    crosshead = piece("Who decides")
    assert crosshead.arguments[2].text.startswith("Who decides")


def test_a_release_quoting_its_issuer_s_statement_argues_in_the_issuer_s_voice() -> None:
    statement = [f'"First, the commercial rate rises faster than the residential. {_BODY}',
                 f'"The second concern is the draw on the reserve. {_BODY}',
                 f'"Finally, the budget adds posts without saying why. {_BODY}"']
    release = _read("For immediate release",
                    "The Board of Trade today issued the following statement on the budget.",
                    *statement, "Media contact: Dana Reyes, 555-0184")
    assert _openings(release, 2) == ["First, the", "The second", "Finally, the"]
    # The same paragraphs quoted in a column are the minister's list, not the writer's.
    column = _read("The minister issued a statement on Friday. It deserves a close reading.",
                   *statement, "I am not persuaded by any of it.")
    assert column.arguments == ()


def test_a_list_inside_a_point_does_not_break_the_turns_that_add_points() -> None:
    blocks = [Block("Residence fees are going up eleven per cent, and residents have not been "
                    "told why. I have spent a week asking."),
              Block(f"Start with the meal plan. {_BODY}"),
              Block(f"Then there is the timing of the consultation. {_BODY}")]
    blocks += [Block(text, BlockKind.ITEM, list_id=1) for text in (
        "December 4: the email goes out.", "December 6 to 20: exams.",
        "December 22: the form closes.", "January 9: term begins.",
        "January 30: the board votes.")]
    blocks += [Block(f"Two weeks of comment during exams is not consultation. {_BODY}"),
               Block(f"Another problem is what the money is for. {_BODY}"),
               Block(f"Worse, the increase lands on those with the fewest choices. {_BODY}"),
               Block("There is still time to change this.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["Start with", "Then there", "Another problem", "Worse, the"]
    assert piece.conclusion is not None and piece.conclusion.startswith("There is still time")


def test_conditions_named_before_the_colon_are_demands_whatever_came_earlier() -> None:
    # "members" early in the lead-in once read as "members include:" (examples).
    blocks = [Block("The union will not advise its members to accept the extra sessions until "
                    "the ministry meets the following conditions:")]
    blocks += [Block(f"{text} {_BODY}", BlockKind.ITEM, list_id=1) for text in (
        "No nurse may be rostered for more than twelve hours in any shift.",
        "Overtime for the additional sessions must be paid in the month it is worked.",
        "Recovery wards must be staffed to the agreed ratio before lists begin.",
        "Hospitals must provide safe transport home after nine in the evening.")]
    blocks.append(Block("Nurses want the backlog cleared as much as anyone."))
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["No nurse", "Overtime for", "Recovery wards", "Hospitals must"]


def test_a_numbered_list_of_things_under_an_explainer_s_question_is_reported() -> None:
    blocks = [Block("The tenancy bill had its second reading last week. This briefing answers "
                    "the questions clients ask us most.")]
    sections = {
        "What does the Bill change?": ["In broad terms, the Bill does four things. It:",
                                       "1. removes no-grounds termination of periodic tenancies;",
                                       "2. limits rent increases to one a year;",
                                       "3. allows tenants to keep a pet with consent;",
                                       "4. creates a register of residential landlords."],
        "Who is covered?": [f"Most private lettings. {_BODY}"],
        "When will it take effect?": [f"On proclamation, probably in the new year. {_BODY}"],
        "What should landlords do now?": [f"Review their notice templates. {_BODY}"]}
    for question, paragraphs in sections.items():
        blocks.append(Block(question, BlockKind.HEADING, level=2))
        blocks += [Block(text, BlockKind.ITEM, number=int(text[0]), list_id=1)
                   if text[0].isdigit() else Block(text) for text in paragraphs]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_count_inside_the_first_item_does_not_lead_in_the_piece() -> None:
    # A digest: "1. Our editorial argues ... for three reasons" counts another piece's reasons,
    # not the labelled notes after the list.
    piece = _read(
        "Good morning. This week our correspondent spent six days on the char.",
        "Also in this week's paper:",
        "1. Gas tariffs (page 4). Our editorial argues the increase should be reversed, for "
        "three reasons.",
        "2. Tuition (pages 6-7). What families spend on coaching.",
        "3. Interview (page 10). The port chairman on dredging and containers.",
        "4. Sport (page 15). The under-17 side reaches the divisional final.",
        "From our archive: Twenty-five years ago this week the first bridge opened, with a "
        "photograph of the crowd.",
        "Correction: In last week's issue a caption gave the wrong name for the headteacher of "
        "the girls' school.",
        "Reminder: The ePaper is available to subscribers from six in the morning, on the "
        "website and in the app.",
        "With best wishes,", "Farzana Mitu", "Editor, The Tidewater Daily")
    assert piece.arguments == ()
    assert piece.announced_count is None


def test_claim_subheadings_after_a_count_below_a_preamble_subheading() -> None:
    def heading(text: str) -> Block:
        return Block(text, BlockKind.HEADING, level=2)
    blocks = [Block("The union's executive met to consider the ministry's circular."),
              heading("What the circular requires"),
              Block(f"Each school must timetable every learning area from January. {_BODY}"),
              Block("We have no quarrel with the curriculum. We oppose the January deadline "
                    "for four reasons."),
              heading("The timetable is unrealistic"), Block(_BODY),
              heading("Teachers have not been trained"), Block(_BODY),
              heading("Schools lack the facilities"), Block(_BODY),
              heading("The burden will fall on parents"), Block(_BODY),
              heading("Our call to the Ministry"),
              Block("We ask the ministry to suspend the deadline.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split("\n")[0] for a in piece.arguments] == [
        "The timetable is unrealistic", "Teachers have not been trained",
        "Schools lack the facilities", "The burden will fall on parents"]
    assert piece.conclusion is not None and piece.conclusion.startswith("Our call")


def test_labelled_concerns_then_numbered_recommendations_are_two_series() -> None:
    def heading(text: str) -> Block:
        return Block(text, BlockKind.HEADING, level=2)
    blocks = [Block("We support the aim of the proposal, but not the proposal as drafted."),
              heading("Our concerns")]
    blocks += [Block(f"{label} The proposal should not ignore this, because {_BODY}",
                     BlockKind.ITEM, list_id=2)
               for label in ("Donor confidence.", "Fraud and error.", "Capacity of reviewers.")]
    blocks += [heading("What we recommend"),
               Block(f"1. Lift the threshold in two steps. {_BODY}", BlockKind.ITEM, number=1,
                     list_id=3),
               Block(f"2. Fund the transition. {_BODY}", BlockKind.ITEM, number=2, list_id=3),
               Block("Taken together, these changes would keep the safeguards.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["Donor confidence.", "Fraud and", "Capacity of",
                                   "1. Lift", "2. Fund"]


def test_a_numbered_list_under_what_i_m_reading_is_a_reading_list() -> None:
    def piece(heading: str) -> Piece:
        blocks = [Block("Big week: a new minister for transport, and the line review is out."),
                  Block(heading, BlockKind.HEADING, level=2)]
        blocks += [Block(f"{n}. {text} {_BODY}", BlockKind.ITEM, number=n, list_id=1)
                   for n, text in enumerate((
                       "The line review itself, which argues the timetable should change.",
                       "An editorial that says the minister must audit every project.",
                       "A thread arguing the review is too timid."), 1)]
        blocks.append(Block("See you next Friday."))
        return segment(Article(blocks=tuple(blocks)))
    assert piece("What I'm reading").arguments == ()
    assert len(piece("What the minister should do").arguments) == 3


def test_a_post_in_three_parts_under_claim_subheadings_below_its_date() -> None:
    def heading(text: str) -> Block:
        return Block(text, BlockKind.HEADING, level=2)
    blocks = [heading("Aug 19"), Block(f"I've tried to write this post four times. {_BODY}"),
              Block("On the first of September I'm stepping down. People have asked why, so "
                    "here it is, in three parts."),
              heading("It has stopped being a noticeboard"), Block(_BODY),
              heading("Moderating a town is not a hobby"), Block(_BODY),
              heading("I have become the story"), Block(_BODY),
              heading("So what happens now"), Block("The group isn't closing.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split("\n")[0] for a in piece.arguments] == [
        "It has stopped being a noticeboard", "Moderating a town is not a hobby",
        "I have become the story"]
    assert piece.conclusion is not None and piece.conclusion.startswith("So what happens")


def test_a_newsletter_signs_off_then_lists_its_links() -> None:
    blocks = [Block("Now to the thing several of you have asked me to write about: the rules "
                    "for AI pilots. I've come away convinced they have four problems:")]
    blocks += [Block(f"{label} {_BODY}", BlockKind.ITEM, list_id=1) for label in (
        "The exemption rewards the biggest vendors.", "Pilots never end.",
        "Nobody owns the evaluation.", "The price is hidden in the renewal.")]
    blocks += [Block(f"One more, which a reader pointed out: the exemption sits outside the "
                     f"usual reporting. {_BODY}"),
               Block("If I were writing the rules, I'd keep the speed and change the structure."),
               Block("Talk soon,"), Block("Marisol"),
               Block("LINKS THIS WEEK", BlockKind.HEADING, level=2)]
    blocks += [Block(f"{n}. {text}", BlockKind.ITEM, number=n, list_id=2) for n, text in enumerate(
        ("The auditor's review of sole-source contracts, worth the read for Table 4.",
         "An explainer on why a pilot is not a contract type.",
         "Federal guidance on use-case inventories, for comparison."), 1)]
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["The exemption", "Pilots never", "Nobody owns", "The price",
                                   "One more,"]
    assert piece.conclusion is not None and piece.conclusion.startswith("If I were writing")
    assert "LINKS" not in piece.conclusion


def test_a_symposium_under_its_contributors_names_has_no_points_of_its_own() -> None:
    blocks = [Block("Is the central bank too independent? Four economists answer"),
              Block(f"We put one question to four economists of different views. {_BODY}")]
    for name in ("Rebecca Stansfield, professor of economics", "Tomas Delacroix, former official",
                 "Adaeze Kowalczyk, chief economist", "Harold Featherstone, former director"):
        blocks += [Block(name, BlockKind.HEADING, level=3),
                   Block(f"About right. First, history. {_BODY} Second, the law. {_BODY} Third, "
                         f"the markets. {_BODY}" if name.startswith("Harold") else _BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_steps_counted_in_an_earlier_section_do_not_make_later_asks_a_procedure() -> None:
    def heading(text: str) -> Block:
        return Block(text, BlockKind.HEADING, level=2)
    blocks = [heading("About us"),
              Block(f"The youth council is twenty-two young people. {_BODY} Every submission "
                    "goes through four steps."),
              heading("Our asks"),
              Block("We support the plan's direction, but it does not yet work for young "
                    "people. We ask the committee to:")]
    blocks += [Block(f"{n}. {text} {_BODY}", BlockKind.ITEM, number=n, list_id=1)
               for n, text in enumerate(("Make fares free for everyone under 19.",
                                         "Run buses later in the evening.",
                                         "Put shelters at the stops young people use."), 1)]
    blocks.append(Block("Thank you for hearing us."))
    piece = segment(Article(blocks=tuple(blocks)))
    assert _openings(piece, 2) == ["1. Make", "2. Run", "3. Put"]


# The forms read right and the traps beside them, as data (forms.toml).
FORMS = tomllib.loads((Path(__file__).parent / "forms.toml").read_text(encoding="utf-8"))


def _paragraphs(form: dict[str, Any]) -> list[str]:
    return [text.replace("{body}", _BODY) for text in form["paragraphs"]]


@pytest.mark.parametrize("form", FORMS["reading"], ids=lambda form: form["id"])
def test_the_form_is_read(form: dict[str, Any]) -> None:
    piece = _read(*_paragraphs(form))
    assert _openings(piece, form["words"]) == form["openings"]
    if "conclusion" in form:
        assert piece.conclusion is not None and piece.conclusion.startswith(form["conclusion"])


@pytest.mark.parametrize("form", FORMS["trap"], ids=lambda form: form["id"])
def test_the_trap_gets_no_arguments(form: dict[str, Any]) -> None:
    assert _read(*_paragraphs(form)).arguments == ()


def _submission(headings: list[str]) -> Piece:
    """A society's response to a consultation: background, a section per heading, its asks."""
    blocks = [Block("This is the committee's response to the faculty's draft rules on "
                    "take-home exams, agreed at our meeting last week."),
              Block("Background", BlockKind.HEADING, level=2), Block(_BODY),
              Block("We support the aim of the draft. As written, it would defeat it.")]
    for heading in headings:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    blocks += [Block("What we're asking for", BlockKind.HEADING, level=2),
               Block("We ask the faculty to replace the ban with a clear statement of what "
                     "is allowed.")]
    return segment(Article(blocks=tuple(blocks)))


def test_claim_headings_closed_by_the_writer_s_asks_are_the_points() -> None:
    claims = ["A blanket ban cannot be policed fairly",
              "Employers already expect graduates to use the tools",
              "The spoken checks are a good idea and should lead the policy"]
    piece = _submission(claims)
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == claims
    assert piece.conclusion is not None and piece.conclusion.startswith("What we're asking")


def test_topic_headings_closed_by_the_writer_s_asks_are_sections() -> None:
    assert _submission(["Fees", "Staffing", "Timetable"]).arguments == ()


def test_a_numbered_list_inside_a_step_of_a_procedure_is_what_the_step_needs() -> None:
    blocks = [Block("Rate notices went out this week. If you think your valuation is too high, "
                    "you can object. This guide explains how."),
              Block("Step 1: Read your notice", BlockKind.HEADING, level=2), Block(_BODY),
              Block("Step 2: Gather your evidence", BlockKind.HEADING, level=2),
              Block("If the informal review does not settle your concern, useful evidence "
                    "includes:")]
    blocks += [Block(f"{n}. {text}", BlockKind.ITEM, number=n, list_id=1) for n, text in enumerate(
        ["A recent independent valuation", "Sale prices of similar homes nearby",
         "Photos of damage or needed repairs", "Builders' quotes for major work"], start=1)]
    blocks += [Block("Step 3: Lodge your objection", BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_bill_explained_section_by_section_is_not_argued() -> None:
    blocks = [Block("The licensing bill goes to committee on Wednesday. Here is what it would "
                    "do, section by section, and what each side says about it.")]
    for heading in ["Section 1: Definitions", "Section 2: The licence", "Section 3: Inspections",
                    "Section 4: Penalties", "What supporters say", "What opponents say"]:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_one_noun_counted_in_three_styles_of_subheading() -> None:
    headings = ["Mistake #1: Treating it like a windfall",
                "The second mistake: running it through the usual grantees",
                "Mistake three — nobody is counting"]
    blocks = [Block("The county will receive $31 million from the settlement over eighteen "
                    "years, and it is making three mistakes with it.")]
    for heading in headings:
        blocks += [Block(heading, BlockKind.HEADING, level=2), Block(_BODY)]
    blocks[2] = Block(f"The first two installments went on one-time purchases. {_BODY}")
    blocks += [Block("What the commissioners should do instead", BlockKind.HEADING, level=2),
               Block("Commit most of each installment to programs that run for years.")]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == headings
    assert piece.conclusion is not None and piece.conclusion.startswith("What the commissioners")


def test_numbered_changes_under_an_explained_kicker_are_reported() -> None:
    blocks = [Block("EXPLAINED"),
              Block("From next month riders must follow new rules on speed, age and where "
                    "they can go. The regulations run to 23 pages. Here are the main changes.")]
    for n, rule in enumerate(["You must be at least 16", "Top speed of 20km/h",
                              "No footpaths, no passengers", "Fixed penalties"], 1):
        blocks += [Block(f"{n}. {rule}", BlockKind.HEADING, level=2), Block(_BODY)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_newsletter_s_masthead_and_sign_off_are_not_among_its_capitalised_points() -> None:
    heads = ["THE DROP-OFF HAS JUST MOVED ROUND THE CORNER", "THE EXEMPTION LIST IS A MESS",
             "NOBODY IS MEASURING WHAT MATTERS"]
    blocks = [Block("Issue 142 | Thursday", BlockKind.HEADING, level=3),
              Block("This week: three things I would change about the school street trial."),
              Block(f"I have been for the trial from the start. {_BODY}")]
    for heading in heads:
        blocks += [Block(heading, BlockKind.HEADING, level=3), Block(_BODY)]
    blocks += [Block("That's my case for this week."), Block("Until then,"),
               Block("Tamsin", BlockKind.HEADING, level=3)]
    piece = segment(Article(blocks=tuple(blocks)))
    assert [a.text.split("\n\n")[0] for a in piece.arguments] == heads


def test_a_newsletter_s_mailbag_and_housekeeping_in_bold_are_no_points() -> None:
    blocks = (Block("This is the Friday edition: no essay from me, just odds and ends."),
              Block(f"From the mailbag: Several of you asked about the school budget. {_BODY}",
                    lead="From the mailbag:"),
              Block(f"Housekeeping: No newsletter next Friday; I will be away. {_BODY}",
                    lead="Housekeeping:"),
              Block("That's all for this week. Stay dry."))
    assert segment(Article(blocks=blocks)).arguments == ()


def test_sections_headed_by_a_dash_and_a_visitor_s_name_are_reviews() -> None:
    blocks = [Block("More reviews from our visitors!")]
    for name in ["– Man**", "– Ali***", "– Jo** Al****", "– Tur**"]:
        blocks += [Block(name, BlockKind.HEADING, level=4),
                   Block(f"“A wonderful evening, and the actors were very good.” {_BODY}")]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_digest_of_colleagues_work_under_numbered_headings_is_no_argument() -> None:
    blocks = [Block("Spring came late, but our researchers did not slow down. Here is what they "
                    "published in March.")]
    for n, (head, body) in enumerate([
            ("Pension funds are investing less at home",
             "In a new paper, senior fellow Marguerite Oullet examines where the money went."),
            ("Wildfire insurance is getting harder to find",
             "Research associate Devin Castell maps cover in fire-prone towns."),
            ("Child care spaces are growing, unevenly",
             "Program director Kiera Mbeki reviewed the first three years of the agreements."),
            ("Health data is still stuck in silos",
             "Visiting fellow Anita Rasmus testified before a Senate committee.")], 1):
        blocks += [Block(f"{n}. {head}", BlockKind.HEADING, level=2), Block(f"{body} {_BODY}")]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_an_inquiry_s_key_findings_under_the_headline_are_reported() -> None:
    blocks = [Block("The independent inquiry into last winter's floods has published its report.")]
    for n, finding in enumerate(["The warnings came too late", "Defences were not maintained",
                                 "Agencies did not share information"], 1):
        blocks += [Block(f"{n}. {finding}", BlockKind.HEADING, level=2),
                   Block(f"The report finds that this cost lives. {_BODY}")]
    article = Article(blocks=tuple(blocks), title="Flood inquiry: the key findings at a glance")
    assert segment(article).arguments == ()


def test_a_product_review_s_best_of_picks_are_no_points() -> None:
    blocks = [Block("We sent eleven lunch boxes to school for a term. These four survived.")]
    for pick in ["Best overall: Tidewell Bento Duo ($34)", "Best for younger kids: Larch Box ($22)",
                 "Best insulated bag: Fernhill Tote ($28)", "Best for hot food: Arden Flask ($31)"]:
        blocks += [Block(f"{pick}. It was the only box every child was happy to carry. {_BODY}",
                         lead=pick)]
    assert segment(Article(blocks=tuple(blocks))).arguments == ()


def test_a_page_s_comment_counter_announces_no_count() -> None:
    piece = _read(
        "Posted 4 November | 7 comments",
        f"The parking levy is back before the council, and it is no better than last time. {_BODY}",
        f"First, the levy falls on the wrong people. {_BODY}",
        f"Second, the schedule ignores the market days. {_BODY}",
        f"Third, nobody asked the traders. {_BODY}",
        "The council should start again.")
    assert _openings(piece) == ["First, the levy", "Second, the schedule", "Third, nobody asked"]
    assert piece.announced_count is None


def test_a_short_bold_myth_line_joins_the_other_myths() -> None:
    # A myth short enough, bold and alone on its line, to read like a subheading.
    fact = ("**Fact:** The figures say otherwise, and the district's own budget papers, "
            "published every spring, show it to anyone who reads past the summary.\n\n")
    piece = segment(extract_markdown(
        "Talks resume next week. Some claims about teachers' pay keep going round, so here "
        "are four of them, answered.\n\n"
        "**Myth: Teachers only work nine months a year, so their pay is really part-time.**\n\n"
        + fact
        + "**Myth: The district offered a raise and the union turned it down out of greed.**\n\n"
        + fact
        + "**Myth: Our teachers are the best paid in the region.**\n\n"
        + fact
        + "**Myth: If the union gets its way, the district will have to cut programmes.**\n\n"
        + fact
        + "### What happens next\n\nMediation is confidential; we will report after each "
          "session.\n"))
    assert _openings(piece, 4) == ["Myth: Teachers only work", "Myth: The district offered",
                                   "Myth: Our teachers are", "Myth: If the union"]


def test_numbered_changes_under_a_housekeeping_subheading_are_no_points() -> None:
    piece = segment(extract_markdown(
        "Happy new year, and welcome to the readers who joined this year. This is the post "
        "where I say how the year went.\n\n"
        "## Housekeeping\n\n"
        "A few small changes for the new year:\n\n"
        f"1. Friday posts will now go out at seven rather than six. {_BODY}\n"
        f"2. The comments are moving to supporters only for a three-month trial. {_BODY}\n"
        f"3. The archive now has a search box, which is better than nothing. {_BODY}\n\n"
        "See you Friday.\n"))
    assert piece.arguments == ()
