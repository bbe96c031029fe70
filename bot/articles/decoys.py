"""Patterns by which a list is known not to be the writer's points: whose list it is (a report's
findings, a company's commitments, reasons someone else gave), what kind of piece carries it (an
explainer, a guide, a digest, a reading list, a fact check) and where it stands (a step of a
procedure, a document's sections). ``evidence`` reads them when it weighs a series; the
patterns that find points are in ``cues`` and ``markers``."""

from __future__ import annotations

import re
from typing import Final

# "Two quick notes before we get going.", "Some housekeeping first:": a newsletter's notices.
HOUSEKEEPING_RE: Final = re.compile(
    r"\b(?:(?:two|three|four|a\s+few|some|a\s+couple\s+of)\s+(?:quick\s+|brief\s+|short\s+)?"
    r"(?:notes|notices|reminders|announcements|bits\s+of\s+(?:housekeeping|news|admin))"
    r"|housekeeping)\b", re.IGNORECASE)
# An item that introduces someone else's work: "Sigrun Aalto and colleagues report", "the
# study by Ewa Lind", "Also in this issue": an editor's tour of the contents.
OTHERS_WORK_RE: Final = re.compile(
    r"\b(?:and\s+colleagues|(?:study|paper|article|essay|report|review)\s+by\s+[A-Z]|in\s+this"
    r"\s+issue|this\s+issue[’']s|our\s+[A-Z][a-z]+\s+section"
    # "In a new paper, senior fellow ...", "On our podcast, ...": a digest of colleagues' work.
    r"|^(?:In|For)\s+a\s+(?:new\s+)?(?:paper|report|study|commentary|brief|working\s+paper)"
    r"|^On\s+our\s+(?:podcast|blog)"
    # "Research associate Devin Castellano maps ...": a colleague's work, named with its role.
    r"|\b(?:[Ff]ellow|[Aa]ssociate|[Dd]irector|[Rr]esearcher|[Ee]conomist|[Aa]nalyst|[Ss]cholar)\s+"
    r"(?:Dr\.?\s+)?[A-Z][a-z]+\s+[A-Z][\w’'-]+\s+(?:examines|maps|finds|reviewed|reviews|testified"
    r"|argues|looks|writes|wrote|estimates|shows|explains)\b"
    r"|\bfrom\s+our\s+[A-Z][\w ]{2,40}\s+(?:program|team|centre|center)\b"
    # "The Ashbury Institute has published a paper arguing ...", "An op-ed in the Morning
    # Courier by ...", "On the Policy Shed podcast, ...", "Data journalists at The Ledger".
    r"|\b(?:has|have)\s+(?:just\s+)?published\s+(?:a|an|its|their)\s+(?:new\s+)?(?:paper|report"
    r"|study|review|analysis|briefing)\b"
    r"|\b(?:[Oo]p-ed|[Cc]olumn|[Ee]valuation|[Ee]ssay)\s+(?:in|from|by)\s+(?:the\s+)?[A-Z]"
    r"|^On\s+(?:the\s+)?[A-Z][\w’' -]{1,40}\s+podcast\b"
    r"|\b(?:[Jj]ournalists|[Rr]eporters)\s+at\s+(?:the\s+)?[A-Z])")
# "The company commits to the following:", "Our commitments:": promises, not points argued.
COMMITS_INTRO_RE: Final = re.compile(
    r"\b(?:commits?|committed|pledges?|pledged|promises?|promised|undertakes?)\s+to\s+the\s+"
    r"following\s*:\s*$|\b(?:commitments|undertakings)\s*:\s*$", re.IGNORECASE)
# "Here is what is changing", "five things to know this week", "everything you need to know",
# "What it means for you", "what each way out would require": an explainer's lead-in.
EXPLAINING_LEAD_RE: Final = re.compile(
    r"\bhere(?:[’']s|\s+is|\s+are)\s+what\s+(?:is\s+|[’']s\s+)?chang|\bthings\s+to\s+know\b"
    r"|\beverything\s+you\s+need\s+to\s+know\b|\bwhat\s+it\s+means\s+for\s+you\b"
    r"|\bwhat\s+each\s+(?:\w+\s+){0,2}would\s+(?:require|mean|take)\b"
    r"|\bthings\s+to\s+(?:keep|bear)\s+in\s+mind\b", re.IGNORECASE)
# "the key findings at a glance", "What the inquiry found": a headline over a report's findings.
FINDINGS_TITLE_RE: Final = re.compile(
    r"\b(?:key\s+)?findings\b|\bwhat\s+the\s+(?:report|inquiry|review|audit|study)\s+(?:found"
    r"|says)\b"
    # "Five takeaways from the budget watchdog's report".
    r"|\btakeaways\s+from\s+(?:the\s+|a\s+)?(?:[\w’'-]+\s+){0,4}?(?:report|inquiry|review|audit"
    r"|study|survey)\b", re.IGNORECASE)
# "The case rests on three claims. Each of them is wrong": someone else's list, which the writer
# goes on to answer point by point (its rebuttals are the writer's arguments).
VERDICT_ON_LIST_RE: Final = re.compile(
    r"\b(?:each|all|none|neither|every\s+one|both)(?:\s+(?:of\s+)?(?:them|these|those|the\s+\w+"
    r"|two|three|four|five))?\s+(?:is|are|holds?|stands?|survives?|bears?)\s+(?:\w+\s+){0,2}?"
    r"(?:wrong|false|mistaken|flawed|misleading|untrue|up\b|scrutiny|examination)", re.IGNORECASE)
# "The report's key findings:", "The audit found:": a report's list, reported in the news
# (searched only in a lead-in that ends with a colon).
REPORT_FINDINGS_RE: Final = re.compile(
    r"\b(?:report|audit|review|study|survey|inquiry|investigation|ruling|judgment|committee"
    r"|panel|auditors?)[’']s?\s+(?:[\w’'-]+\s+){0,2}(?:findings|conclusions|recommendations)"
    r"\s*:\s*$|\b(?:report|audit|review|study|survey|inquiry|auditors?)\s+"
    r"(?:found|concluded|finds|concludes)\s*:\s*$"
    # "The report runs to 94 pages. Its main findings are:".
    r"|\b(?:its|their|the)\s+(?:main\s+|key\s+|principal\s+|chief\s+)?(?:findings|conclusions)"
    r"\s+(?:are|were|include|included)\s*:\s*$", re.IGNORECASE)
# "The top five answers, in order, were:", "the most common complaints were:": what a survey
# or a consultation heard, reported.
SURVEY_ANSWERS_RE: Final = re.compile(
    r"\b(?:top|main|most\s+common|commonest|leading)\s+(?:\w+\s+){0,2}?(?:answers|responses"
    r"|replies|complaints|reasons\s+given|concerns\s+raised)\b[^.:]{0,40}\s+(?:were|was|are)"
    r"\s*:\s*$", re.IGNORECASE)
# "Another study in 38 people found that ...": research reported, one study after another.
STUDY_FOUND_RE: Final = re.compile(
    r"(?:(?:For\s+(?:example|instance)|And|Also),?\s+)?(?:[Aa]nother|[Oo]ne|[Aa]|[Tt]he"
    r"|[Ii]n\s+(?:a|one|another))\s+(?:[\w-]+\s+){0,2}(?:study|trial|review"
    r"|survey|paper|analysis|experiment)\b[^.]{0,100}?\b(?:found|showed|shows|finds|suggests"
    r"|suggested|reported)\b")
# "Elizabeth A. Burton: Possession of methamphetamine": people named as labels (a listing).
PERSON_LABEL_RE: Final = re.compile(
    r"[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z]+(?:[-’'][A-Z][a-z]+)?:?")
# "it held that", "the court found that", "the panel ruled": a judgment's reasons, reported.
HELD_RE: Final = re.compile(
    r"(?:[Ii]t|[Tt]he\s+(?:court|panel|judge|judges|justices?|tribunal|bench|magistrate|appeal"
    r"\s+court|court\s+of\s+appeal))\s+(?:also\s+|further\s+)?(?:held|ruled|found)\b")
# "Letters policy", "Comment guidelines", "House rules": a publication's rules for readers.
POLICY_HEADING_RE: Final = re.compile(
    r"(?:our\s+)?(?:letters?|comments?|commenting|submissions?|community|house|posting)\s+"
    r"(?:policy|policies|guidelines|rules|standards)\b", re.IGNORECASE)
# A subheading over other writers' pieces or other news: "What I'm reading", "Elsewhere",
# "Worth your time", "Around the web", "In other news".
READING_HEADING_RE: Final = re.compile(
    r"(?:what\s+(?:I|we)(?:[’']m|[’']re|\s+am|\s+are|\s+have\s+been)\s+(?:reading|watching"
    r"|listening\s+to)|(?:further|recommended|weekend|good)\s+reading|reading\s+list|worth\s+(?:a\s+)?"
    r"(?:read(?:ing)?|your\s+time)|elsewhere|around\s+the\s+web|in\s+other\s+news|links?"
    r"|(?:the\s+)?week\s+in\s+links|from\s+around"
    r"|(?:this\s+week[’']s|weekend|our|the\s+week[’']s)\s+(?:picks|reads)"
    # "WHAT I ATE THIS WEEK", "What I watched": a newsletter's picks, not its argument.
    r"|what\s+(?:I|we)\s+(?:ate|read|watched|listened\s+to|loved|liked|cooked)"
    r"|(?:links|pieces|reads|stories|things)\s+worth\s+(?:your\s+time|reading|a\s+read)"
    # "Most-read letters this week", "Also in the postbag": a newsletter's other sections.
    r"|most[- ]read(?:\s+[\w’']+)?|also\s+in\s+(?:the|this)\s+[\w’']+"
    r")(?:\s+(?:this|last)\s+week)?\b\W*$",
    re.IGNORECASE)
# "these are the pieces that made me think", "links worth your time", "what I've been reading":
# a lead-in to other writers' pieces.
READING_INTRO_RE: Final = re.compile(
    r"\b(?:pieces|articles|reads|links|stories|essays|columns|newsletters|podcasts)\b[^.!?]{0,40}"
    r"\b(?:made\s+me\s+think|worth\s+(?:your\s+time|reading|a\s+read)|caught\s+my\s+eye"
    r"|I(?:[’']ve|\s+have)?\s+(?:read|been\s+reading|enjoyed|liked|saved))"
    r"|\bwhat\s+I(?:[’']ve|\s+have)\s+been\s+reading\b|\breading\s+list\b"
    r"|\bthings\s+worth\s+your\s+time\b"
    # "Here's what caught our eye. As always, a link is not an endorsement."
    r"|\bwhat\s+caught\s+(?:my|our)\s+eye\b|\ba\s+link\s+is\s+not\s+an\s+endorsement\b",
    re.IGNORECASE)
# "What you need to do", "How to object": a line over instructions to the reader.
READER_TASK_RE: Final = re.compile(
    r"(?:What|Here[’']?s\s+what)\s+(?:you|readers|members|parents|residents|subscribers)\s+"
    r"(?:need|have|should|must|can)\s+to\s+do\b|What\s+to\s+do\b|How\s+to\s+[a-z]+\b(?!.*[.?!]\s)"
    r"|Step\s+by\s+step\b")
# "10 things not to miss", "Five places to eat", "11 things you probably didn't know about the
# canal": a count of sights or trivia.
GUIDE_COUNT_RE: Final = re.compile(
    r"\b(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?:[\w’'-]+\s+){0,2}?(?:things|places|spots|sights|events|shows|stops|dishes|walks|days?"
    r"\s+out)\s+(?:not\s+)?to\s+(?:miss|see|do|eat|try|visit|watch|hear|book)\b"
    # "Six things worth reading this week": a reading list.
    r"|\b(?:things|pieces|stories|reads|links)\s+(?:worth\s+(?:reading|your\s+time)|to\s+read)\b"
    # "10 things in tech you need to know today": a news digest.
    r"|\b(?:things|stories)\s+(?:in\s+[\w-]+\s+)?(?:that\s+)?you\s+(?:need|ought)\s+to\s+know\b"
    r"|\b(?:things|facts)\s+(?:that\s+)?you\s+(?:probably\s+|may\s+|might\s+)?(?:didn[’']t|don[’']t"
    r"|did\s+not|do\s+not|never|not)\s+(?:know|knew)\b", re.IGNORECASE)
# "Section 2: The licence", "Clause 14": a document's own sections, as subheadings.
DOCUMENT_SECTION_RE: Final = re.compile(
    r"(?:\d{1,2}\.\s+)?(?:Section|Sec\.|Article|Clause|Schedule|Subsection)\s+\d{1,3}[A-Za-z]?\b")
# "First, they say, it will ...": an aside that reports the reasons as someone else's.
SAY_ASIDE_RE: Final = re.compile(
    r",\s+(?:they|he|she|its\s+\w+|their\s+\w+|the\s+\w+|supporters|opponents|critics"
    r"|backers|proponents|residents|neighbou?rs|speakers|objectors|officials|campaigners"
    r"|parents|witnesses)\s+(?:say|says|said|argue|argues|argued|claim|claims|claimed|insist"
    r"|insists|contend|contends|tell\s+us|told\s+us),")
# "Step 4: Gather your evidence": a step of a procedure, as a subheading.
STEP_HEADING_RE: Final = re.compile(r"(?:Step|Stage|Phase)\s+(?:\d{1,2}|One|Two|Three|Four|Five"
                                    r"|Six|Seven|Eight|Nine|Ten)\b")

# A heading that names someone else's piece: '"Cooling centres aren't a plan" — Dev Rao, on
# his Substack', '"The heat is a labour story", by Rosa Tembe'.
CITED_RE: Final = re.compile(r"[\"“‘'].{3,200}?[\"”’']\s*(?:[—–-]|,?\s+by\s)\s*[A-Z]")
# "The Salt Clerks by Imke Varga-Holm (trans. Piet Osterloo). A short novel ...": a book named
# with its author, as a reading list gives it.
TITLE_BY_RE: Final = re.compile(r"(?:\d{1,2}[.)]\s+)?(?:[A-Z][\w’'-]*\s+){1,8}by\s+"
                                r"(?:[A-Z][\w.’'-]*\s*){2,4}(?:\(|[.,:;—–]|$)")
# "The quiet power of the dockers (Harbour Review). A long, patient account ...": a piece named
# with its outlet in brackets, as a newsletter's reading list gives it.
TITLE_OUTLET_RE: Final = re.compile(
    r"(?:\d{1,2}[.)]\s+)?[^.()]{3,120}?\s\((?:The\s+)?[A-Z][\w’'&-]*"
    r"(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w’'&-]*){1,5}\)\s*[.:;,—–]")


def names_a_piece(text: str) -> bool:
    """Whether a list item names another writer's piece (a reading list's entry)."""
    return bool(CITED_RE.match(text) or TITLE_BY_RE.match(text) or TITLE_OUTLET_RE.match(text))


# A count inside quotation marks: '"five rules for a fuller room."', "'three pillars'".
QUOTED_COUNT_RE: Final = re.compile(
    r"[\"“‘'](?i:(?:the|her|his|their)\s+)?(?i:two|three|four|five|six"
    r"|seven|eight|nine|ten|\d)\b")
