"""The words that tell a careful reader where a list is, and where it is not.

Discourse cues that open an unmarked argument ("More importantly"), phrases where the writer
steps back into a conclusion ("In short", "That is why"), and the signs of lists that are not
arguments: dates (timelines), imperatives (procedures), citations (notes), quoted lead-ins
(someone else's list), structural headings ("Background", "Conclusion"); the patterns that
know a list by whose it is or by the kind of piece around it are in ``decoys``. Precompiled
patterns and word sets only; ``segment`` and ``series`` decide what they mean.
"""

from __future__ import annotations

import re
from typing import Final

from bot.articles.markers import NUMBER_WORDS


def wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def lead_in(words: str, *, within: int) -> re.Pattern[str]:
    """A paragraph ending in a colon at most ``within`` words after one of ``words`` (regex
    alternatives): "The minister put it this way:", "This would:"."""
    return re.compile(rf"\b(?:{words})\b(?:\s+[^\s.!?:]+){{0,{within}}}\s*:\s*$",
                      re.IGNORECASE)


# Where the writer steps back; matched at the start of a paragraph.
CONCLUSION_RE: Final = re.compile(
    r"(?:In short|In sum|In summary|To sum up|Summing up|In conclusion|To conclude"
    r"|(?i:conclusions?)\s*[:.—–-]"
    r"|(?:The )?[Bb]ottom line|That is why|That[’']s why|This is why|Which is why|In the end"
    r"|Ultimately|All of this|All this|Taken together|Put together|In other words|Until then"
    r"|For (?:all )?(?:of )?(?:these|those|all the above) reasons|None of this"
    r"|Put (?:all )?(?:of )?(?:that|this|those|these|them)(?: \w+)? together"
    r"|Where does (?:this|that) leave|It is time|It[’']s time|The lesson here"
    r"|For [\w’'-]+(?: [\w’'-]+){0,3} to (?:be|become|have|happen|work|succeed|last|hold"
    r"|matter|begin|come|return|end|stand|take|stick|mean)\b[^.,]*,)"
)
# Openings that step back when they open one of the body's last two paragraphs ("So yes,
# buy the shares", "What follows for the council?"), though in the middle of a piece they
# as often carry an argument on.
CLOSING_RE: Final = re.compile(
    r"(?:So(?:,|\s+(?:yes|no|what|where|let|here|roll|before|when|the\s+next|for\s+now"
    r"|I[’']ll|I\s+will)\b)"
    r"|What\s+(?:follows|now|next|should|can|must|would)|Where\s+(?:now|next)"
    r"|Here(?:[’']s|\s+is)\s+(?:the|my|what)|Which\s+brings|Whatever\s+(?:happens|the)"
    r"|None\s+of\s+(?:these|those)|The\s+upshot)\b")
# Openings that sum the points up ("None of these changes is expensive", "Taken together"):
# under a last subheading, they make it the conclusion's.
SUMMING_UP_RE: Final = re.compile(
    r"(?:None\s+of\s+(?:this|these|those|it)|Neither|Taken\s+together|Between\s+them"
    r"|All\s+of\s+(?:this|these)|Put\s+together)\b")
# Openings with which a writer steps back from the points to the whole ("I want to be fair
# to ...", "We are not opposed to ...", "None of these fixes is radical", "You might say
# ..."): believed only after the last point has run longer than any point before it.
STEP_BACK_RE: Final = re.compile(
    r"(?:(?:I|We)\s+(?:am|are|want|would|do|don[’']t|understand|know|have|will|hope|urge|ask"
    r"|recogni[sz]e|accept|agree|realise|realize|think|believe|admit|should\s+say)\b"
    r"|" + SUMMING_UP_RE.pattern + r"|You\s+(?:might|may|could)\s+(?:say|think|ask)"
    r"|Whatever|If\s+(?:the|this)"
    r"\s+(?:council|board|government|city|county|committee|minister|state)\s+(?:wants|is\s+serious)"
    r"|(?:The|This)\s+(?:council|board|government|city|county|committee|minister|state|school"
    r"|club|bank)\s+should\b)")
# The other side's case, named before it is answered: a list it leads into is theirs.
_OTHER_SIDE = (
    r"There\s+(?:is|are)\s+(?:a\s+|some\s+)?(?:fair|legitimate|honest|real|reasonable|serious)"
    r"\s+(?:objections?|concerns?|reasons?|criticisms?|worries|questions?|points?)"
    r"|(?:Defenders|Critics|Supporters|Opponents|Skeptics|Sceptics|Proponents)\b[^.]{0,60}?\b"
    r"(?:(?:will|would|may|might)\s+(?:say|argue|object|reply|respond)|(?:have|make|offer|raise)"
    r"\s+(?:\w+\s+){0,3}(?:arguments?|points?|objections?|case|concerns?|worries))"
    r"|I\s+know\s+the\s+(?:counter-?arguments|objections|arguments)"
    r"|I\s+(?:do\s+not|don[’']t)\s+doubt|I\s+can\s+(?:already\s+)?hear\s+(?:the|you|them|my)"
    # "I will grant the obvious.", "I'll concede one thing."
    r"|I(?:\s+will|\s+would|[’']ll)?\s+(?:grant|concede)\b"
    # "We take seriously the objection that ...".
    r"|(?:I|We)\s+take\s+seriously\s+the\s+(?:objection|concern|worry|criticism|point)")
OTHER_SIDE_RE: Final = re.compile(_OTHER_SIDE)
# Turning from the points to what should be done, or to the whole: "What should districts do
# instead?", "So where does this leave us?".
TURN_TO_REMEDY_RE: Final = re.compile(
    r"(?:So,?\s+)?(?:(?:What|what)\s+(?:should|would|can|must|could)\b[^.?]{1,100}\?"
    r"|(?:Where|where)\s+does\s+(?:this|that|all\s+this)\s+leave\b[^.?]{0,60}\?"
    # "My suggestion is a modest one.", "So here is my suggestion for councillors.".
    r"|(?:My|Our)\s+(?:suggestion|proposal|advice)\s+is\b|[Hh]ere\s+is\s+(?:my|our)\s+"
    r"(?:suggestion|proposal)\b"
    # "If the federal government wants the next round to work, it ...".
    r"|If\s+(?:the|this)\s+(?:[\w-]+\s+)?(?i:council|board|government|city|county|committee"
    r"|minister|ministry|state|department|authority)\s+(?:really\s+)?(?:wants|is\s+serious)\b)")
# Openings no point opens with: a concession or a turn to what should be done ends the last
# point wherever it comes after that point's first paragraph.
CONCEDING_RE: Final = re.compile(
    r"(?:" + _OTHER_SIDE +
    r"|" + TURN_TO_REMEDY_RE.pattern +
    r"|Add\s+(?:these|those|this|it\s+all|them)\s+up|Put\s+(?:the|these|those)\b[^.]{1,40}"
    r"\b(?:side\s+by\s+side|together)|Nothing\s+(?:here|in\s+this|of\s+this)\s+means"
    r"|The\s+lesson\s+(?:for|here|of)"
    # A subheading granting the other side its due: "What the opponents get right".
    r"|What\s+(?:the\s+)?(?:opponents|critics|other\s+side|sceptics|skeptics|objectors)\s+"
    r"(?:get|have|got)\s+right)")
# Openings of an unmarked argument. Strong cues turn to a new point; weak ones may not.
STRONG_CUE_RE: Final = re.compile(
    r"(?:More importantly|Most importantly|Even more importantly|Perhaps more importantly"
    r"|Perhaps most importantly|Just as important(?:ly)?|Equally important(?:ly)?"
    r"|(?:Even\s+more|Perhaps\s+more|Perhaps\s+most|More|Most)\s+fundamentally"
    r"|Beyond (?:that|this)|Worse(?: still| yet)?|Even worse|Moreover|Furthermore|Another"
    r"|Additionally"
    r"|What[’']s more|In addition|On top of (?:that|this)|Add to (?:that|this)"
    r"|Then there(?: is|[’']s)|There(?: is|[’']s) also|Besides|Also)\b"
)
WEAK_CUE_RE: Final = re.compile(r"(?:But|Yet|Still|And|Meanwhile|At the same time|Further)\b")
CUE_PREFIX_RE: Final = re.compile(
    r"(?:More importantly|Most importantly|Even more importantly|Perhaps more importantly"
    r"|Perhaps most importantly|Just as importantly|Equally importantly|Beyond that|Beyond this"
    r"|(?:Even\s+more|Perhaps\s+more|Perhaps\s+most|More|Most)\s+fundamentally"
    r"|Worse still|Worse|Even worse|Moreover|Furthermore|What[’']s more|In addition"
    r"|On top of that|On top of this|Besides|Also)\s*,\s*"
)

# Trailing notes: a heading, or numbered/bracketed paragraphs that read like citations.
NOTES_HEADING_RE: Final = re.compile(
    r"(?:Notes|References|Sources|Footnotes|Endnotes|Bibliography|Further reading|Works cited"
    r"|Citations)\s*:?\s*$", re.IGNORECASE)
NOTE_OPENING_RE: Final = re.compile(r"(?:\[\d{1,3}\]|\[\^[^\]]+\]|\d{1,3}[.)]?\s|\*{1,3}\s?\S|†)")
# Citation traits. Literal-led checks: sre scans a pattern that opens with "\b" or an
# alternation position by position, which costs far more than a substring search.
CITATION_WORDS: Final = ("bid.", "op. cit", "et al.", "etrieved", "ccessed",
                          "doi:", "http://", "https://", "www.", "Journal", "Press", "Quarterly",
                          "Proceedings", "Vol.")
CITATION_YEAR_RE: Final = re.compile(r"\(\d{4}[a-z]?\)|,\s\d{4}[.,;)]|pp?\.\s?\d|\(pages?\s\d")


def cited(text: str) -> bool:
    """Whether a note or list item reads like a citation rather than prose."""
    return (text.startswith("See ") or any(word in text for word in CITATION_WORDS)
            or CITATION_YEAR_RE.search(text) is not None)


# Numbered or bulleted items that are not arguments.
MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October"
           r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
DATE_OPENING_RE: Final = re.compile(
    r"[\W_]{0,3}(?:(?:In|By|On|Since|From|Around|Until|After|Before|During|Circa|Early|Late"
    r"|Mid)\b[\s-]+)?(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:(?:1[5-9]\d\d|20\d\d)s?\b|{MONTHS}\s+\d{{1,2}}\b|{MONTHS},?\s+(?:1[5-9]|20)\d\d\b"
    rf"|\d{{1,2}}\s+{MONTHS}\s)")
# A step of a process or a timeline, told by when it happens: "in early November, each
# principal ...", "on the third Tuesday in May, voters ...".
TIME_OPENING_RE: Final = re.compile(
    r"[\W_]{0,3}(?:[Ii]n|[Bb]y|[Oo]n|[Dd]uring|[Ff]rom|[Uu]ntil|[Aa]fter|[Bb]efore|[Ee]arly|[Ll]ate)\s+"
    r"(?:(?:early|late|mid)[\s-]+)?(?:the\s+(?:first|second|third|fourth|last)\s+\w+\s+(?:of|in)\s+)?"
    rf"(?:{MONTHS}|spring|summer|autumn|fall|winter|the\s+(?:spring|summer|autumn|fall|winter))\b"
    r"|[\W_]{0,3}(?:[Oo]n|[Bb]y)\s+the\s+(?:first|second|third|fourth|last)\s+"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# "Here are three things you can do before 3 July:", "How you can help:": tasks for the
# reader, not the writer's points.
READER_ACTIONS_RE: Final = re.compile(
    r"\b(?:things|ways|steps)\s+(?:that\s+)?you\s+can\s+(?:do|take|help)\b"
    # "To use either option, you must:": the rules a reader has to meet.
    r"|\byou\s+(?:must|need\s+to|will\s+need\s+to|have\s+to)\s*:\s*$"
    r"|\b(?:what|how)\s+you\s+can\s+(?:do|help)\b|\bways\s+to\s+(?:help|get\s+involved)\b",
    re.IGNORECASE)
# "Three things happened this week that ...": what follows is news, told, not points argued.
EVENTS_INTRO_RE: Final = re.compile(
    # "A few things from the fortnight:": a diary's news.
    r"\bthings\s+from\s+(?:the|this|last)\s+(?:past\s+)?(?:week|fortnight|month|weekend)\b"
    r"|\b(?:things|events|developments)\s+(?:that\s+)?(?:have\s+)?(?:happened|occurred|took\s+place"
    r"|unfolded)\b", re.IGNORECASE)
# A writer proposing what someone should do ("We think it should say yes, but not to this
# plan"): imperatives after it are proposals, not the steps of a procedure.
SHOULD_RE: Final = re.compile(
    r"\b(?<!you )(?:should|must|ought\s+to)\b|\bwe\s+(?:urge|ask|call\s+on|want)\b"
    r"|\b(?:I|we)\s+(?:propose|suggest|recommend)\b"
    # "here are the steps we'll need to see in the budget"
    r"|\b(?:need|want|like|expect|hope)\s+to\s+see\b"
    # "four steps the Board of Supervisors could take"
    r"|\b(?:could|can|would|needs?\s+to)\s+take\b",
    re.IGNORECASE)
# "Three questions the district still hasn't answered", "I have two questions for the board":
# the questions a piece asks, counted.
QUESTIONS_COUNTED_RE: Final = re.compile(
    r"\b(?P<num>two|three|four|five|six|seven|\d)\s+(?:[\w’'-]+\s+)?questions\b", re.IGNORECASE)
# "Answer me a few questions", "some hard questions for the board": questions, uncounted.
QUESTIONS_ASKED_RE: Final = re.compile(
    r"\b(?:a\s+few|some|several|a\s+couple\s+of|these|my|the|of)\s+(?:[\w’'-]+\s+)?questions\b",
    re.IGNORECASE)
# A paragraph that opens with a whole sentence in quotation marks and goes on in the writer's
# voice: a claim quoted to be answered.
QUOTED_CLAIM_RE: Final = re.compile(r"[\"“‘]([^\"“”‘’]{6,200}?[.?!])[\"”’]\s+[A-Z]")
REBUTTAL_RE: Final = re.compile(
    r"\b(?:objections?|myths?|complaints|criticisms?|misconceptions?|worries|arguments\s+against"
    r"|what\s+(?:the\s+)?(?:critics|skeptics|sceptics)\s+(?:say|get))\b", re.IGNORECASE)
# "Ms HALLORAN (continuing): ", "The Hon. M. R. OKAFOR-LYLE (16:02): ": a speaker's tag in a
# parliament's record, the surname in capitals.
SPEAKER_TAG_RE: Final = re.compile(r"[^:!?\n]{0,40}\b[A-Z][A-Z’'-]{2,}\b(?:\s*\([^)]{0,40}\))*:\s*")
# Notes about the piece, not points in it: "Disclosure: the author is a tenant", "Update,
# 14 March:".
NOTE_LABEL_RE: Final = re.compile(
    r"(?:full\s+)?(?:disclosure|editor[’']s\s+notes?|corrections?|clarification|update[sd]?)\b"
    r"\W*(?:\d|[A-Z][a-z]+\s+\d|$)", re.IGNORECASE)
# A headline set into the text as a link to another story ("Fee rise: Teaching hospitals to
# charge Rs50 for OPD slips from April"): a kicker, a colon and a long headline, which no
# editor's crosshead is.
LINKED_HEADLINE_RE: Final = re.compile(r"[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,2}:\s+(?:\S+\s+){7,}\S")
# "Start with who uses the branches ... / The savings are also smaller than they look. ... /
# Then there is ...": a subject judged "also" so-and-so is one more point between markers
# (one that "also leaned on" something is a report of what it did, and carries a point on).
ALSO_JUDGED_RE: Final = re.compile(r"(?:The|This|That|Its|Our|Their)\s+(?:[\w’'-]+\s+){0,2}?"
                                   r"(?:is|are|was|were)\s+also\s+(?!a\s|an\s|the\s|in\s|on\s|at\s)")
# "We're asking the committee to do four things:", "we want the council to do three things":
# demands, counted as things.
ASKING_RE: Final = re.compile(r"\b(?:ask(?:ing)?|urg(?:e|ing)|call(?:ing)?\s+on|want(?:ing)?)\s+"
                              r"(?:the\s+)?(?:[\w’'-]+\s+){0,3}?to\s+do\b", re.IGNORECASE)
# A question that challenges the writer rather than asks for facts ("Isn't burning waste
# better than landfill?", "Won't it bring jobs?", "Why not build more parking?"): an
# objection put in the other side's words, to be answered.
CHALLENGE_RE: Final = re.compile(
    r"(?:(?:But|And|So)\s+)?(?:(?:Is|Are|Wo|Would|Does|Do|Did|Should|Ca|Could|Was|Has|Have)n[’']t"
    r"|Surely|Why\s+not|What\s+about)\b")
# A question that asks for facts ("When will the bridge reopen?", "Who is standing?", "What
# happened at the board meeting?", "How do I object?"): a reader's, answered with news.
FACT_QUESTION_RE: Final = re.compile(
    r"(?:\d{1,2}[.):]?\s+)?(?:When|Where|Who|Which|What\s+(?:happened|time|day|date)"
    r"|How\s+(?:many|much|long|often|do\s+I|can\s+I|do\s+we|does\s+the)|[A-Z][a-z]+\s+(?:\w+\s+){0,3}my)\b")
# A day of the week or a clock time anywhere in a label ("The lantern procession, Friday
# 9pm"): a programme of events.
WHEN_IN_LABEL_RE: Final = re.compile(
    r"\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\d{1,2}(?:[.:]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)"
    r"|noon|midnight)\b")
# A label that is a day, a date or a time ("Monday.", "March 3:", "Day two —", "9.30am"): a
# diary's or a timeline's entries, not points.
WHEN_LABEL_RE: Final = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Day|Week|Night)\s+\w+"
    rf"|{MONTHS}(?:\s+\d{{1,2}})?|\d{{1,2}}(?:[.:]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|(?:Mid)?night|Dawn"
    r"|Morning|Noon|Midday|Afternoon|Evening)\b")
# A reader's signature closing a letter on a letters page: "Priya Sandhu, Mill Cross",
# "— Mick Ayres, by email".
SIGNATURE_RE: Final = re.compile(
    r"[—–-]?\s*(?:(?:Dr|Mr|Mrs|Ms|Prof|Rev|Cllr)\.?\s+)?[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){1,3}"
    r"\s*,\s*(?:by email|[A-Z][\w’'.-]+(?:[ ,]+[A-Z][\w’'.-]+){0,3})\.?\s*$")
PROCEDURE_INTRO_RE: Final = re.compile(
    r"\b(?:recipe|ingredients|instructions|directions|steps|step-by-step|procedure"
    r"|how to(?! (?:fix|solve|improve|repair|save|stop|end|reform|change|mend|rescue))"
    r"|follow these|you will need|you[’']ll need|method|how it works|how it would work"
    r"|works like this|the process|a\s+(?:[\w-]+\s+)?process\s+for|here is how|here[’']s how)\b",
    re.IGNORECASE)
IMPERATIVES: Final = wordset(
    "preheat heat stir whisk mix combine pour bake boil simmer chop slice dice drain rinse wash"
    " season sprinkle serve cover fold knead grease line place add remove transfer let cool melt"
    " beat click tap select open install download unplug plug press type enter log navigate"
    " restart reboot save attach tighten loosen unscrew screw measure fill turn set repeat wait"
    " insert connect disconnect copy paste run scroll fry roast grill toss stir-fry bring put"
    " take keep store dry peel grate blend spread top lay cut find check look search verify"
    " go visit scan compare double-check get pick choose buy book drink eat sleep rest stretch"
    " warm train")
QUOTED_INTRO_RE: Final = lead_in(
    r"reads?|said|says|wrote|writes|declared|declares|states|stated|promised|promises"
    r"|proclaimed|announced|listed|lists|told|tells|pledged|vowed|argued|argues|insisted"
    r"|according to|went like this|put it|included|emphasi[sz]ed|outlined|identified|cited"
    r"|mentioned|proposed|named|suggests|suggested|recommends|recommended|advises|advised",
    within=6)
REASON_INTRO_RE: Final = re.compile(
    r"\b(?:reasons?|why|because|arguments?|problems?|grounds|objections?|lessons?|mistakes?"
    r"|myths?|flaws?|concerns?|points?|worries|failures?|costs|risks|dangers|questions"
    r"|assumptions?|wrong|fails?)\b[^.!?]*:\s*$", re.IGNORECASE)
# "The claim sets out the members' demands in six numbered points. I reproduce them here":
# someone else's list, reported.
REPORTED_INTRO_RE: Final = re.compile(
    r"\b(?:(?:I|we)\s+(?:reproduce|summari[sz]e|quote|repeat)\b"
    # "it is worth reproducing the charter in full. The council demands that management:"
    r"|(?:worth\s+)?reproducing\s+(?:the|its|their|his|her)\b"
    r"|sets?\s+out\s+(?:the|its|their|his|her)\s+(?:[\w’'-]+\s+){0,3}(?:demands|points|proposals"
    r"|pledges|principles|findings|recommendations|priorities))", re.IGNORECASE)
# "The five points, as set out in the ministry's presentation, are:" (searched only where " as "
# stands: the lead-ins are searched for every series).
AS_SET_OUT_RE: Final = re.compile(
    r"\bas\s+(?:set\s+out|listed|laid\s+out|outlined|summari[sz]ed|announced)\s+(?:in|by)\s+"
    r"(?:the|a|its|their|his|her)\b"
    # "here they are as the press office sent them:", "as the ministry issued it".
    r"|\bas\s+(?:the|his|her|their|its)\s+(?:[\w’'-]+\s+){0,3}(?:sent|issued|released|circulated"
    r"|published|gave|wrote|read)\s+(?:them|it)\b", re.IGNORECASE)
# A list of examples, members or cases illustrates a point; it is not the points.
EXAMPLES_INTRO_RE: Final = re.compile(
    r"\b(?:examples?|for instance|such as|among them|case studies|cases"
    r"|members|the likes of|like these|these include|figures|numbers|statistics"
    r"|aims?|goals?|objectives|wanted to|planned to|plan to|hope to|agenda|a few (?:of )?th"
    r"(?:em|at|ose)|highlights|headlines|news|what we know|the facts)\b"
    r"[^.!?]*:\s*$", re.IGNORECASE)
# Whose count it is: someone else's ("he calls the four pillars", "the report's five rules").
OTHERS_COUNT_RE: Final = re.compile(
    r"\b(?:he|she|they|his|her|their|the\s+(?:(?-i:[A-Z])[\w-]+\s+){0,2}(?:author|authors|book"
    r"|report|writer|study|paper|manifesto|memoir"
    r"|film|minister|government|council|court|judge|tribunal|commission|inquiry|panel"
    r"|committee|ministry|department|agency)(?:[’']s)?"
    r"|opponents|critics|supporters|objectors|speakers|campaigners|protesters|petitioners"
    r"|residents|officials|witnesses)\b"
    # "Opponents ... raised three main concerns during the hearing": a report of others'.
    r"|\b(?:raised|cited|listed|voiced|put\s+forward)\s+(?:the\s+)?(?:two|three|four|five|six"
    r"|seven|\d)\b"
    # "what Vance calls four principles": a named author's term for the list.
    r"|\bwhat\s+(?-i:[A-Z])[\w’'-]+\s+calls\b"
    # "Wahlberg-Osei organises the argument around five rules": a named author's.
    r"|^\s*(?-i:[A-Z])[\w’'-]+(?:\s+(?-i:[A-Z])[\w’'-]+)?\s+(?:organi[sz]es|builds|argues|sets\s+out"
    r"|lists|identifies|proposes|offers|gives|names|outlines|describes)\b", re.IGNORECASE)
OWN_COUNT_RE: Final = re.compile(r"\b(?:I|[Ww]e|[Mm]y|[Oo]ur|me|us)\b")
# "The book is organised in three parts", "the report is divided into five chapters".
WORK_PARTS_RE: Final = re.compile(
    r"\b(?:book|report|film|album|novel|collection|series|study|play|exhibition|memoir|volume)"
    r"\s+(?:is|are|was)\s+(?:organi[sz]ed|divided|structured|arranged|split|laid\s+out)"
    r"\s+(?:in|into)\b"
    # "101 questions and answers arranged in five parts": a work's parts, whatever it is.
    r"|\b(?:organi[sz]ed|divided|structured|arranged|split)\s+(?:in|into)\s+(?:\w+\s+)?"
    r"(?:parts|sections|chapters|acts|movements|episodes|volumes)\b", re.IGNORECASE)
RAISED_RE: Final = re.compile(
    r"\b(?:raised|listed|cited|voiced|gave|set\s+out|put\s+forward|lays?\s+out|laid\s+out"
    r"|outlined)\b")
# "The five motions this year ... They were:": motions put to a vote, recorded.
MOTIONS_RE: Final = re.compile(r"\b(?:motions|resolutions\s+(?:passed|adopted|debated))\b",
                               re.IGNORECASE)
IMPOSED_RE: Final = re.compile(
    r"\bunder\s+the\s+(?:[\w’'-]+\s+){0,2}(?:permission|consent|licen[cs]e|agreement|deal|ruling"
    r"|order|settlement|terms)\b", re.IGNORECASE)
# Reported speech in a news report: "The coalition said it had sent its demands".
SAID_RE: Final = re.compile(
    r"\b(?:said|says|told\s+(?:reporters|journalists|the)|according\s+to)\b")
# A sentence that reports what was done to something: "has been deferred", "were shelved".
DONE_TO_RE: Final = re.compile(r"\b(?:has|have|had)\s+been\s+(?:\w+ly\s+)?\w+(?:ed|en)\b"
                               r"|\b(?:was|were)\s+(?:\w+ly\s+)?\w+ed\b")
# What a lead-in names just before its colon when its items are the writer's points.
POINTS_BEFORE_COLON_RE: Final = re.compile(
    r"\b(?:conditions|demands|requirements|recommendations|reasons|objections|concerns"
    r"|grounds|proposals)\s*:$", re.IGNORECASE)
# Paragraph openings compared for parallel points ("Software should be robust ... Software
# should also be stable ... Finally, software should be simple"): these words are skipped.
OPENING_CONNECTIVE_RE: Final = re.compile(
    r"(?:(?:finally|lastly|and|but|also|so|then|next|first(?:ly)?|second(?:ly)?|third(?:ly)?"
    r"|fourth(?:ly)?|fifth(?:ly)?|moreover|furthermore|besides|still|yet|plus|again)\b[,:]?\s+)+",
    re.IGNORECASE)
WORD_KEY_RE: Final = re.compile(r"[\w’']+")
OPENING_FILLERS: Final = wordset("also then too further still now again even really")
# Openings a writer repeats to set out points, whatever follows ("Take wages first. ... Take
# scheduling. ...", "Look at the rates. ... Look at the pipes.", "Yes, but ...", "Myth: ...").
ANAPHORA_OPENING_RE: Final = re.compile(
    r"(?:And\s+)?(?P<key>[Tt]ake|[Ll]ook\s+at|Consider|Think\s+about|Remember|Yes,\s+but"
    r"|Myth|MYTH)\b(?!\s+(?:a\s+look|note|care|part|place|it|that)\b)")
ANAPHORA_FIRST_LETTERS: Final = "TtLlCRYMA"  # where the pattern above can match at all
# A newsletter's or a section's masthead line set as a heading ("Issue 142 | Thursday",
# "Opinion | Housing"): never a point.
MASTHEAD_RE: Final = re.compile(r"(?:Issue|No\.|Vol\.|Volume|Edition|Episode)\s*#?\d+\b"
                                r"|[^|]{1,40}\s\|\s[^|]{1,40}$")
# An aside set off by commas a word or two into a paragraph ("Ask, above all, about ...").
OPENING_ASIDE_RE: Final = re.compile(
    r"(?<=\w),\s+(?:above all|most of all|above everything|especially|in particular|crucially"
    r"|finally|lastly|too|also|again|please)\s*,", re.IGNORECASE)
# Where a count can begin: a number word, or a digit ("5 things", "12 reasons").
NUMBER_NEEDLES: Final = (*NUMBER_WORDS, *"123456789")
# An announcement paragraph that only announces ("There are four reasons ...").
ANNOUNCE_OPENING_RE: Final = re.compile(
    r"(?:There are|There're|Here are|Here's why|Here is why|I see|I count|I have|Consider"
    r"|Let me|Let's|Let us|The reasons are|My reasons are)\b")
# An announcement paragraph is dropped from the thesis when it is one sentence long.

# Titles.
COPULA_RE: Final = re.compile(r"(?:(?:is|was|are)\s+(?:simply\s+|just\s+)?(?:that\s+)?|that\s+)")
PREPOSITION_RE: Final = re.compile(r"(?:in|on|at|about|with|over|under|from|into)\s")
MAIN_VERB_RE: Final = re.compile(
    r"\s(?:is\s+(?:simply\s+)?(?:that\s+)?|was\s+(?:that\s+)?|concerns|involves|has\s+to\s+do"
    r"\s+with|lies\s+in|comes\s+down\s+to)\s+")
# "Finally, there's X" -> "X", but not "there is no X", whose negation is the point.
THERE_RE: Final = re.compile(
    r"(?:there\s+is|there[’']s|there\s+are|we\s+have)\s+(?!no\b|not\b|nothing\b|little\b"
    r"|few\b|never\b)", re.IGNORECASE)
ASIDE_RE: Final = re.compile(
    r"and\s+(?:perhaps\s+|probably\s+)?(?:most|more|least|equally)\s+\w+\s*[,—–]\s*")
LEAD_PUNCT: Final = " \t\n,:;.—–-"
WORD_RE: Final = re.compile(r"[a-z’']{4,}")
STOPWORDS: Final = wordset(
    "that this with from have they their there which what when were will would about into"
    " than then them these those been being more most also only such some over just very"
    " even much many does could should because while where after before other another")
BLANK_LINE_RE: Final = re.compile(r"\n\s*\n")
LIST_LINE_RE: Final = re.compile(r"\s*(?:[•●▪◦‣∙*-]|\d{1,2}[.)]|\(\d{1,2}\))\s+\S")

# Headings that organise a report or explainer rather than state the writer's points.
STRUCTURAL_HEADING_RE: Final = re.compile(
    r"(?:introduction|intro|background|context|overview|summary|in summary|in sum|conclusions?"
    r"|in conclusion|(?:the )?bottom line|final thoughts?|closing thoughts?|concluding thoughts?"
    r"|wrapping up|wrap-?up|what(?:[’']s| is) next|what now|next steps|the way forward"
    r"|what happens (?:now|next)|what (?:we|you) can do|overall|the verdict|verdict"
    r"|(?:key )?takeaways?|tl;?dr|notes?|references|related(?: reading| articles?)?"
    r"|further reading|sources|footnotes|endnotes|acknowledge?ments?|methodology|about the"
    r" authors?|about us|update\b.*|editor[’']s note.*|correction.*|disclosure.*|read more.*"
    r"|share this.*|comments?|faq|questions?|resources|links|see also|the facts|the data"
    r"|don[’']t miss.*|must read.*|recommended.*|trending.*|most (?:read|popular).*"
    r"|the numbers|timeline|how (?:we|it) got here|where (?:we|things) stand"
    r"|other news|news in brief|in brief|notices|dates for (?:the|your) diary|diary dates"
    r"|general comments|specific (?:comments|concerns|points|issues)"
    r"|where do we go from here\??|(?:so )?where does (?:this|that|it) leave (?:us|things)\??"
    r"|epilogue|postscript|p\.?s\.?|why|what|how|who|when|where|the small print"
    r"|this (?:week|fortnight|month|issue)|in this issue|housekeeping|(?:table of )?contents"
    r"|(?:from the )?mailbag|reader (?:mail|letters)|programming note|admin"
    r"|article details|full text|updates?|related posts|more from .*|latest|recent posts"
    r"|until next time|thanks|thank you|acknowledg.*|credits|the upshot|key points|in brief"
    r"|what to watch(?: for)?|next week.*|coming up.*)"
    r"\s*(?:[:.!?]?\s*$|:\s)",
    re.IGNORECASE)
# Of those, the ones after which the writer steps back: the conclusion starts there.
CONCLUSION_HEADING_RE: Final = re.compile(
    r"(?:so,?\s+)?(?:summary|in summary|in sum|conclusions?|in conclusion|(?:the )?bottom line"
    r"|final thoughts?|closing thoughts?|concluding thoughts?|wrapping up|wrap-?up"
    r"|what(?:[’']s| is| comes) next|what now|next steps|the way forward|(?:key )?takeaways?"
    r"|what happens (?:now|next)|what (?:we|you) can do|overall|the verdict|verdict"
    r"|where do we go from here\??|(?:so )?where does (?:this|that|it) leave (?:us|things)\??"
    r"|the road ahead|looking ahead|so what\??|the upshot"
    r"|where (?:that|this|it) leaves (?:us|the\s+[a-z]+|things|[a-z]+)\??"
    r"|what to watch(?: for)?|next week|coming up"
    # "What to give instead", "What would work instead": the writer's alternative, after.
    r"|what (?:to|should|would|could|might|can|we|I) [a-z]+(?: [a-z]+)? instead"
    r"|(?:our|the|a) (?:call|appeal|demands?|recommendations?|request|ask) (?:to|for|of) (?:the )?"
    r"[\w’' -]{2,40}"
    # "What we're asking for", "What I propose": the writer's asks, after the points.
    r"|what (?:we|I)(?:[’']re|[’']m| are| am)? (?:ask(?:ing)?|want(?:ing)?|propos(?:e|ing)"
    r"|call(?:ing)? for|recommend(?:ing)?|suggest(?:ing)?)(?: for)?"
    r"|what\s+(?:[\w’'-]+\s+){0,4}(?:should|can|must|needs?\s+to)\s+do(?:\s+now|\s+next"
    r"|\s+instead|\s+about\s+it)?\??)"
    r"\s*(?:[:.!?]?\s*$|:\s)",
    re.IGNORECASE)
# Openings that turn to a new point between two markers ("To begin with ... Also, the bank
# ... Last but not least"), unlike "Moreover" or "Worse", which as often go on with one.
NEW_POINT_CUE_RE: Final = re.compile(
    r"(?:Also|Another|More importantly|Most importantly|Even more importantly|Beyond (?:that|this)"
    r"|(?:Even\s+more|Perhaps\s+more|Perhaps\s+most|More|Most)\s+fundamentally"
    r"|In addition|What[’']s more|Then there(?: is|[’']s)|There(?: is|[’']s) also|On top of"
    r" (?:that|this)|If (?:that|this)(?:[’']s| is| was)(?:n[’']t| not) enough|Not only that"
    # Another objection answered: "Some people have argued that ...", "Critics say ...".
    r"|(?:Some|Other|Many)\s+(?:people|critics|opponents|commentators|economists)\s+(?:have\s+)?"
    r"(?:argue|argued|say|said|claim|claimed|suggest|suggested|worry|worried)"
    r"|(?:Others|Critics|Opponents)\s+(?:argue|say|claim|suggest|worry))\b")
# Turns that add one more point after a first that opened a paragraph ("For one thing ...
# For another ... And then there is ..."; "Take the families first ... Then there are the
# employers ... Add to that ... Worse, ..."). Broader than NEW_POINT_CUE_RE: after such a
# first, a reader takes "Worse," or "Then there are" as the next point.
ADDED_POINT_RE: Final = re.compile(
    r"(?:And\s+|But\s+(?=the\s+(?:bigger|biggest|deeper|real|worst)\b))?(?:"
    # "But the worst of it is that the savings were never shown": the gravest point, last.
    r"[Tt]he\s+worst\s+of\s+it\s+is\b|"
    + NEW_POINT_CUE_RE.pattern.removeprefix("(?:").removesuffix(")\\b")
    + r"|[Tt]hen\s+there(?:\s+is|\s+are|\s+was|\s+were|[’']s)"
    r"|Add\s+to\s+(?:that|this|all\s+this)|Worse(?:\s+still|\s+yet)?(?=\s*,)|Even\s+worse"
    # "It gets worse when one looks at who pays.", "Beyond both lies a question of trust."
    r"|It\s+gets\s+worse|Beyond\s+(?:both|all\s+(?:this|that|these))\b"
    # "Take wages next.", "Turn now to the currency.": the next point, after "Consider X first".
    r"|Take\s+(?:[\w’'-]+\s+){1,4}?next|Turn\s+(?:now\s+)?to"
    # "Nor can the safety question be waved away": one more point, in the negative.
    r"|Nor\s+(?:can|could|does|do|did|is|are|was|will|would|should|has|have)\b"
    # "Take the maps, too.", "Look at who is allowed to challenge a map.": another case.
    r"|Take\s+(?:[\w’'-]+\s+){0,4}[\w’'-]+,?\s+too\b|Look\s+(?:too\s+|also\s+)?at\s+(?:who|what|how"
    r"|the)\b"
    # "Consider the cost. ... Consider, too, who walks through the doors. ... Now the harder
    # part.": a second look, and a step up.
    r"|Consider,?\s+too|Now\s+(?:for\s+)?the\s+(?:harder|hardest|bigger|biggest|real|difficult"
    r"|awkward|tricky)\s+(?:part|bit|question|problem)"
    r"|Additionally|On\s+top\s+of\s+(?:that|this|all\s+that)"
    r"|(?:Moreover|Furthermore|Equally|Besides)(?=\s*,)|Besides\s+(?:the|that|this)\b"
    r"|For\s+another|As\s+for|A\s+further|(?:The\s+)?[Ll]ast(?:ly)?(?=\s*,)|Finally"
    r"|Worst\s+of\s+all|Most\s+of\s+all|One\s+(?:last|final|more)\s+(?:point|thing|word|concern"
    r"|problem)|It\s+should\s+also\s+be\s+(?:borne\s+in\s+mind|noted|said|remembered)"
    r"|(?:Perhaps\s+)?(?:(?:Most|More|Just\s+as|Equally)\s+important(?:\s+of\s+all)?(?=\s*,)"
    r"|(?:most|more)\s+important\s+(?:of\s+all\s+)?is\b)"
    # "More troubling is what has happened to ...", "Even more worrying,": a graver point.
    r"|(?:Even\s+)?(?:More|Most)\s+(?:troubling|worrying|serious|damaging|alarming|telling"
    r"|striking|concerning|fundamental|basic|pressing)(?:\s+(?:still|of\s+all))?(?:\s+is|(?=\s*,))"
    r"|[Tt]here(?:[’']s|\s+is)\s+(?:also\s+)?(?:a|an)\s+(?:[\w-]+\s+){0,2}[\w-]+,?\s+(?:too|as\s+well)"
    r"|The\s+other\s+(?:thing|point|issue|problem|concern)\s+is"
    # "There is also the question of who decides", "There's also the matter of cost".
    r"|[Tt]here(?:[’']s|\s+is)\s+also\s+the\s+(?:question|matter|issue|problem)\s+of"
    r"|(?:[Tt]he\s+)?(?:bigger|biggest|deeper|real|heaviest|strongest|toughest|gravest|hardest)"
    r"\s+(?:problem|worry|issue|concern|question|objection|reason|flaw|danger|risk|sanction"
    r"|lever|tool|option|step|change|fix|cost)"
    r"(?:\s+of\s+all)?(?:,\s*though,)?\s+is"
    # "And don't forget who actually ends up on remand.": one more point, to a listener.
    r"|[Dd]on[’']t\s+forget\s+(?:who|what|how|the|that|about)"
    r")\b")
# A point that outranks those before it, counted or not: "My main concern, however, is what
# the money is for", "But the reason that matters most to me is who isn't here".
OUTRANKS_RE: Final = re.compile(
    r"(?:(?:But|And)\s+)?(?:(?:My|Our)\s+(?:main|chief|biggest|greatest|gravest|deepest|real)"
    r"\s+(?:concern|worry|objection|problem|fear|complaint)(?:,\s*(?:though|however),)?\s+is"
    r"|(?:the|The)\s+(?:reason|point|argument|concern|objection)\s+that\s+matters"
    r"\s+most|Above\s+all(?=,))\b")
# A point the writer adds past the count: "One more thing, and this is perhaps ...", "And
# there's a third thing, which ought to ..." ("a further point" is an aside, not one of them).
ONE_MORE_RE: Final = re.compile(
    r"(?:And\s+|But\s+)?(?:(?:(?<=And\s)|(?<=But\s))?[Oo]ne\s+(?:more|last|final)(?:\s+(?:thing|point"
    r"|word|concern|problem|reason)|(?=\s*[,:]))"
    # "And a bonus myth, because we hear it so often": one past the count, said so.
    r"|(?:(?<=And\s)a|A)\s+bonus\s+[a-z]+"
    r"|[Tt]here(?:[’']s|\s+is)\s+(?:also\s+)?(?:a|one)\s+(?:third|fourth|fifth|sixth|final|last)"
    r"(?:\s+[a-z]+|(?=\s*[,:—–]))"
    # "And a fourth, which I nearly left out: fix what you already have."
    r"|(?<=And\s)a\s+(?:third|fourth|fifth|sixth|final)(?=\s*[,:—–])"
    # "And there is one more thing. Productivity ..." (not "one more thing the council should
    # do", a proposal after the reasons).
    r"|[Tt]here(?:[’']s|\s+is)\s+(?:also\s+)?one\s+more\s+(?:thing|point|problem|reason|concern)"
    r"(?=\s*[.:,—–])"
    # "And while I'm at it, there's a third thing that bothers me".
    r"|(?:And\s+)?[Ww]hile\s+I[’']m\s+at\s+it,\s+there(?:[’']s|\s+is)\s+(?:a|one)\s+(?:third"
    r"|fourth|fifth)"
    # "I would add a third point, which is that ...": the writer counts on.
    r"|I\s+(?:would|should|must|will|want\s+to)\s+add\s+a\s+(?:third|fourth|fifth|sixth|final)"
    r"\s+(?:point|concern|objection|reason|worry)|" + OUTRANKS_RE.pattern + r")\b")
# A heading that states a claim has a verb: "Price is not what keeps riders away", "The
# fares pay for buses", "Help the riders who need it" (topics, "The economy", have none).
CLAIM_VERB_RE: Final = re.compile(
    r"\b(?:is|are|was|were|isn[’']t|aren[’']t|wasn[’']t|has|have|hasn[’']t|haven[’']t|do|does"
    r"|did|don[’']t|doesn[’']t|didn[’']t|can|can[’']t|cannot|will|won[’']t|would|should|must"
    r"|need|needs|not|never|pays?|makes?|keeps?|costs?|works?|fails?|helps?|hurts?|matters?"
    r"|means?|gets?|takes?|gives?|stops?|starts?|settles?|belongs?|deserves?|misses"
    # "Industry already expects us to use these tools": a claim with a verb of its own.
    r"|expects?|ignores?|rewards?|punishes|protects?|undermines?|threatens?|requires?|leaves"
    r"|hides?|shows?|proves?|lacks?|depends|relies|favou?rs|penali[sz]es|harms|wastes?"
    r"|loses?|creates?|encourages?|discourages?|undercuts?|outweighs?|already)\b")
# Verbs that open a proposal addressed to those in charge ("Stop paying for desilting by the
# truckload", "Let the wards do the small work"): a subheading that proposes is a point.
PROPOSAL_VERBS: Final = wordset(
    "stop start end ban cut raise fix fund build make give let keep put protect invest scrap"
    " reform require publish pay hire tax open close listen trust restore expand limit cap map"
    " enforce count measure treat teach tell ask spend save share move bring drop rethink"
    " reinstate repeal abolish regulate license cut train speed simplify create support extend"
    " offer link")
# Words that argue: a claim, a judgement, a should. A list whose items have none of them is a
# list of facts, aims or news, however it is numbered.
ARGUING_RE: Final = re.compile(
    r"\b(?:should|shouldn[’']t|must|mustn[’']t|would|wouldn[’']t|could|can[’']t|cannot|won[’']t"
    r"|not|never|no|only|too|fails?|failed|wrong|unfair|unjust|better|worse|best|worst|need"
    r"|needs|because|risks?|harms?|hurts?|undermines?|ignores?|mistakes?|problems?|reasons?"
    r"|costs? more|waste|nobody|nothing|instead|rather|already|simply|even|false|true|matters?"
    r"|deserves?|afford|cheaper|dearer|fairer|safer|unsafe|dangerous|bad|good)\b",
    re.IGNORECASE)
# A piece that says it is an interview: its lists are the answers'.
INTERVIEW_RE: Final = re.compile(
    r"\b(?:interview(?:ed|s)?|q ?& ?a|in conversation with|spoke (?:to|with)|talked (?:to|with)"
    r"|sat down with|asked (?:him|her|them)|questions (?:for|with) (?-i:[A-Z])"
    r"|talks (?:to us )?about|(?:five|ten|a few) minutes with)\b",
    re.IGNORECASE)
REASON_WORDS_RE: Final = re.compile(
    r"\b(?:reasons?|because|here[’']s\s+why|here\s+is\s+why|arguments?|objections?|concerns?|problems?|grounds|flaws?"
    r"|worries|myths?|mistakes?|lessons?|demands?|recommendations?|calls? for"
    r"|calling for|we (?:want|propose|recommend|urge|call)|request(?:s|ed)? that"
    r"|urges?|urged)\b", re.IGNORECASE)
YEAR_RE: Final = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)s?\b")
# An item dated right after its marker: "The second flood, in 2016, was different", "the
# third flood came, in 2020", "The fourth, this February": the entries of a chronicle.
DATED_SOON_RE: Final = re.compile(
    r"[^.;:!?]{0,25}?\b(?:in|of|this|last|that|since|by)\s+(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:(?:1[5-9]|20)\d\d|{MONTHS}(?!\w)|spring|summer|autumn|fall|winter)\b")
# The items of a meeting's agenda ("2. Minutes of the 2024 AGM", "9. Any other business").
AGENDA_ITEM_RE: Final = re.compile(
    r"(?:\d{1,2}[.)]\s*)?(?:welcome|apologies|minutes\b|matters arising|chair(?:man|person)?[’']s"
    r" report|treasurer[’']s report|secretary[’']s report|any other business|a\.?o\.?b\b"
    r"|date of (?:the )?next meeting|election of (?:officers|the committee|committee))",
    re.IGNORECASE)
# "Phase One:", "Stage 2 —", "Step three:": the parts of a procedure or a plan.
STAGE_LABEL_RE: Final = re.compile(
    r"(?:Phase|Stage|Step|Week|Day|Month|Year|Part|Chapter|Round|Level|Tier)\s+(?:\d{1,2}|One|Two"
    r"|Three|Four|Five|Six|Seven|Eight|Nine|Ten|[IVX]{1,4})\b")
# The imperative openers of a first point ("Start with", "Take", "Consider"), as markers.
OPENER_MARKER_RE: Final = re.compile(
    r"(?:Let(?:[’']s|\s+us|\s+me)\s+)?(?:[Ss]tart|[Bb]egin)\s+with|Take\b|Consider\b")
# An item that tells what someone did: "we started a campaign", "they went to see them".
NARRATION_RE: Final = re.compile(
    r"(?:then\s+|after\s+that,?\s+)?(?:we|I|they|he|she)\s+(?:then\s+|also\s+|first\s+)?"
    r"(?:[a-z]+ed|went|took|made|came|got|met|wrote|sent|gave|held|began|ran|saw|told|spoke"
    r"|found|brought|bought|left|set)\b", re.IGNORECASE)
# A lead-in that says what follows will happen or does harm: "This would:", "The war on
# drugs results in:". Its items argue even when they read as plain statements.
CONSEQUENCE_INTRO_RE: Final = lead_in(
    r"would|will|should|must|could|results?\s+in|leads?\s+to|means|causes", within=2)
