"""The eight question-coach rules as detectors over an analysed question.

Each detector returns the words that triggered it (quoted back to the interviewer in the finding's
message) or None. The patterns are general English forms of each mistake, not phrases from any one guide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from outsidein.guides.coach_grammar import (
    FUTURE_MODALS,
    NEGATIVE_AUXILIARIES,
    PAST_AUXILIARIES,
    POLITE_REQUEST,
    Unit,
    embedded_wh,
    normalise,
    split_units,
)


@dataclass
class Analysis:
    """A question split into units, with the lower-case text the patterns run on."""

    text: str
    units: list[Unit] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Analysis:
        clean = normalise(text)
        return cls(clean, split_units(clean))

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def pitch_units(self) -> list[Unit]:
        return [u for u in self.units if u.frame == "statement" and PITCH_LEAD.search(u.text.lower())]

    @cached_property
    def question_units(self) -> list[Unit]:
        """Units that ask something: framed questions, plus a statement that ends with a question mark."""
        asking = [u for u in self.units if u.interrogative or embedded_wh(u)]
        if not asking:
            # "So you export it every Friday?": a statement said as a question.
            asking = [u for u in self.units if u.asks and u not in self.pitch_units][-1:]
        return asking

    @cached_property
    def asked_text(self) -> str:
        """The question without any pitch that comes before it, lower case."""
        pitch = set(map(id, self.pitch_units))
        return " ".join(u.text for u in self.units if id(u) not in pitch).lower()

    @cached_property
    def without_request(self) -> str:
        """asked_text without an opening polite request ("Could you walk me through ...")."""
        return POLITE_REQUEST.sub("", self.asked_text, count=1)

    @property
    def is_question(self) -> bool:
        return bool(self.question_units) or "?" in self.text


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip(" ,") if match else None


# ---- closed -------------------------------------------------------------------------------------------

def closed(a: Analysis) -> str | None:
    for unit in a.question_units:
        if unit.frame in {"aux", "tag"}:
            return " ".join(unit.words[unit.head : unit.head + 2])
    if a.question_units and all(u.frame == "statement" and not embedded_wh(u) for u in a.question_units):
        return a.question_units[-1].text  # a statement with a question mark invites "yes"
    return None


# ---- leading ------------------------------------------------------------------------------------------

LOADED_WORDS = (
    r"clunky|terrible|awful|horrible|outdated|annoying|frustrating|painful|irritating|tedious|useless|"
    r"stressful|dreadful|horrendous|unhelpful|pointless|ridiculous|cumbersome|amazing|awesome|fantastic|"
    r"wonderful|brilliant|fabulous|lousy|archaic|antiquated|nightmare|infuriating|maddening|unbearable|"
    r"inefficient|old-fashioned|messy|clumsy|hopeless|rubbish|ugly|wasteful"
)
LEADING = re.compile(
    r"\bdon't you (?:think|agree|feel|find)\b|\bdo you not (?:think|agree|feel|find)\b|\bdo you agree\b|"
    r"\b(?:wouldn't|would|won't) you (?:agree|say)\b"
    r"(?! about)(?= that|\?|$| it| this| the| your| we)|"
    r"\bdon't you agree\b|\bisn't it (?:true|fair|obvious|clear)\b|\byou(?:'d| would) agree\b|\bagree that\b|"
    r"^(?:so,? )?(?:surely|obviously|clearly|of course)\b|\b(?:surely|obviously|presumably|no doubt)\b|"
    r"\bi (?:assume|guess|bet|suppose|imagine|take it|expect)\b(?! you could)|\bi'm (?:sure|guessing|assuming)\b|"
    r"\bi am (?:sure|guessing|assuming)\b|\byou must (?:be|have|find|feel|hate|love|get|spend)\b|"
    r"\bmust be (?:so |really |very )?\w+ for you\b|\bhonestly\b|"
    r"\bhow much (?:easier|better|faster|simpler|quicker|happier|nicer|more efficient|more productive|"
    r"less stressful|time do you waste)\b|"
    r"\b(?:do|would) you (?:want|like|prefer|need) (?:a |an |the )?(?:faster|better|cheaper|easier|simpler|quicker|"
    r"more|less|fewer)\b|"
    r"\bhow (?:great|amazing|wonderful|awesome|cool|fantastic|brilliant|nice|good) (?:would|will|is)\b|"
    r"\b(?:hate|hated|hates|loathe|despise|dread|adore|love|loved|loves)\b|"
    r"\bwhat (?:frustrates|annoys|irritates|bugs|infuriates)\b|\b(?:waste|wastes|wasted|wasting)\b|"
    r"\bwhy (?:is|are|was|were|does|do) .{0,60}\b(?:so|such an?|this|that) (?:slow|bad|hard|difficult|"
    r"complicated|confusing|poor|broken|unreliable|good|great|easy|expensive)\b|"
    r"(?<!most )(?<!least )(?<!the most )\b(?:" + LOADED_WORDS + r")\b"
)
TAG_TEXT = re.compile(r",\s*(?:right|correct|yes|no|true|agreed|eh|yeah|ok|okay)\s*\??$")


def leading(a: Analysis) -> str | None:
    for unit in a.question_units:
        word = unit.words[unit.head]
        if unit.frame == "tag" or (unit.frame == "aux" and word in NEGATIVE_AUXILIARIES):
            return unit.text
        if unit.frame == "aux" and len(unit.words) > unit.head + 2 and unit.words[unit.head + 2] == "not":
            return " ".join(unit.words[unit.head : unit.head + 3])
    found = _first(LEADING, a.asked_text)
    if found:
        return found
    tag = TAG_TEXT.search(a.lower)
    return tag.group(0).strip(" ,?") if tag else None


# ---- hypothetical -------------------------------------------------------------------------------------

HYPOTHETICAL = re.compile(
    r"\bimagine\b|\bsuppos(?:e|ing)\b|\bhypothetical(?:ly)?\b|\blet's say\b|\bsay you\b|\bwhat if\b|"
    r"\bpicture (?:this|yourself|a)\b|\bmagic wand\b|\b(?:your|an|the|my) (?:ideal|dream|perfect)\b|"
    r"\bhow likely\b|\bhow probable\b|\bin the future\b|\bgoing forward\b|\bsome ?day\b|\bone day\b|"
    r"\bin (?:a|five|ten|two|three) years?\b|\bsee yourself\b|\bwould (?:you )?ever\b|"
    r"\b(?:are|is|am) (?:you|they|we|your \w+(?: \w+)?) (?:going to|planning to|planning on|thinking of|"
    r"intending to|about to|likely to)\b|\b(?:do|does) (?:you|your \w+|they) (?:plan|intend|expect) to\b|"
    r"\byou(?:'d| would| will|'ll| might| could)\b(?! not)(?!n't)(?! agree)|"
    r"\b(?:can|could) you (?:see|imagine|picture|envisage|envision)\b|"
    r"\b(?:customers|people|users|clients|patients|staff|they|your \w+) (?:will|would|'ll|might) (?!have been)\w+|"
    r"\b(?:are|would) you (?:be )?open to\b|"
    r"\bwould (?:it|that|this|they|your|a|an|the|there|we|anyone|such|something)\b|"
    r"\bif (?:we|you|there|they|it|i|our|your company) (?:were|had|could|added|built|made|offered|"
    r"launched|gave|introduced|created|provided|did|started|changed|removed|moved|switched|charged|"
    r"cut|dropped|raised|lowered|automated|sent)\b"
)
REPORTING_VERBS = frozenset({
    "say", "describe", "call", "characterise", "characterize", "summarise", "summarize", "define",
    "explain", "agree", "rate",  # "rate" belongs to opinion, "agree" to leading
})


def hypothetical(a: Analysis) -> str | None:
    for unit in a.question_units:
        if unit.frame not in {"wh", "aux"}:
            continue
        aux = unit.frame_auxiliary()
        if aux in FUTURE_MODALS:
            position = unit.words.index(aux, unit.head)
            after = unit.words[position + 1 : position + 3]
            if aux in {"could", "can"} and after[:1] == ["you"] and POLITE_REQUEST.match(" ".join(unit.words)):
                continue
            if after and after[0] == "you" and len(after) > 1 and after[1] in REPORTING_VERBS:
                continue
            return " ".join(unit.words[unit.head : position + 2])
    return _first(HYPOTHETICAL, a.without_request)


# ---- opinion ------------------------------------------------------------------------------------------

EVALUATIVE = (
    r"useful|valuable|helpful|appealing|attractive|interesting|intuitive|easy to use|user-friendly|"
    r"good idea|great idea|bad idea|a good fit|make sense|makes sense|look good|looks good|look nice|"
    r"looks nice|clear enough|cool|nice|exciting|worthwhile|compelling|convincing|good enough|"
    r"improvement|better than|worse than"
)
OPINION = re.compile(
    r"\b(?:do|did) you (?:like|love|dislike|enjoy)\b|\bhow much do you (?:like|love|enjoy)\b|"
    r"\bwhat do you (?:like|love|dislike|enjoy)\b|\bwould you like\b(?! to)|\bprefer\b|"
    r"\bwould you like to (?:see|have|get|use|add|change)\b|"
    r"(?<!why )(?<!how come )\bdo you think\b(?! (?:happened|caused|went|led|made|was the reason|is the reason))|"
    r"\bwhat do you think\b|\b(?:would|do|does|will) (?:you|your \w+|they|people|customers) (?:like|love|enjoy|"
    r"want) (?:that|this|it|the idea|our)\b|\bwhat's your (?:take|view|verdict)\b|"
    r"\bhow (?:do|would) you feel about\b|"
    r"\byour (?:honest |personal |overall |initial )?(?:opinion|opinions|thoughts|views?|impressions?|first "
    r"impression|gut feeling|take|feedback|reaction|honest feedback|verdict)\b|"
    r"\b(?:think|thoughts) (?:of|on|about) (?:our|this|these|the idea|the new|the concept|it\b|the design)|"
    r"\brate (?:our|this|the|it|us)\b|\bhow would you rate\b|\bon a scale\b|"
    r"\brecommend (?:us|our|this|it|the new)\b|\b(?:be|are you|is anyone|are your \w+) (?:interested|excited) in\b|"
    r"\b(?:excited|enthusiastic) about\b|\bfind (?:it|this|that|these|them|our|the|a|an)\b[^?.]{0,40}\b"
    r"(?:useful|helpful|valuable|interesting|easy|handy|convenient)\b|"
    r"\bmake (?:your|their|the) (?:life|lives|job|work|day|week) (?:easier|better|simpler)\b|"
    r"\bsomething (?:you|you'd|you would|your \w+ would|they would|they'd) (?:want|need|use|like|buy|"
    r"pay for|try)\b|\bshould (?:we|our \w+)\b|"
    r"\bhow (?:useful|valuable|helpful|interesting|appealing|attractive|intuitive|important) "
    r"(?:would|will|is|are|could|might|do you)\b|"
    r"\bhow (?:satisfied|happy|pleased|impressed|delighted|comfortable) (?:are|is|would|will|do)\b|"
    r"\b(?:satisfied|happy|pleased|impressed|delighted) with (?:our|this|the new|us|it)\b|"
    r"\breckon\b|\bmake of (?:our|this|the|it|that|these)\b|\bwhat stands out\b|\bfirst reaction\b|"
    r"\bwhat (?:jumps|strikes) (?:out|you)\b|\b(?:missing|lacking) (?:from|in) (?:our|this|the new)\b|"
    r"\bwhat features\b|\b(?:change|improve|add|remove|fix) (?:about|in|on|to) (?:our|this|the new)\b|"
    r"\b(?:looks?|sounds?|seems?|feels?) (?:better|good|great|nice|right|useful|"
    r"interesting|appealing|ok|okay)\b|\bwhich\b[^?.]{0,40}\b(?:better|best|prefer|like most)\b|"
    r"(?:^|[.?!,]\s)(?:any )?(?:thoughts|feedback|comments|reactions|impressions)\s*\?"
)
EVALUATIVE_PATTERN = re.compile(r"\b(?:" + EVALUATIVE + r")\b")
OUR_IDEA = re.compile(
    r"\b(?:this|these|that|our|it|the new|the idea|idea|concept|prototype|mock-?ups?|feature|"
    r"demo|design|version|proposal|solution|app)\b"
)


REACTION_PROMPTS = frozenset({"thoughts", "feedback", "comments", "reactions", "impressions"})


def opinion(a: Analysis) -> str | None:
    found = _first(OPINION, a.without_request)
    if found:
        return found
    for unit in a.question_units:
        if len(unit.words) <= 2 and unit.words[-1] in REACTION_PROMPTS:
            return unit.text
        if unit.frame not in {"wh", "aux"}:
            continue
        text = " ".join(unit.words)
        aux = unit.frame_auxiliary()
        if aux in PAST_AUXILIARIES:
            continue  # "Was the report useful last week?" asks about experience, not about our idea
        evaluative = EVALUATIVE_PATTERN.search(text)
        if evaluative and (OUR_IDEA.search(text) or aux in FUTURE_MODALS):
            return evaluative.group(0)
    return None


# ---- pricing ------------------------------------------------------------------------------------------

MONEY = re.compile(
    r"\b(?:pay|paying|spend|spending|price|prices|priced|pricing|cost|costs|charge|charging|fee|fees|"
    r"subscription|subscriptions|licen[cs]e fee|budget|worth|expensive|cheap|cheaper|pricier|afford|"
    r"affordable|euros?|dollars?|pounds?|bucks|per seat|per user|per month|a month|a year)\b|"
    r"[$\u20ac\u00a3]\s?\d"
)
WILLINGNESS = re.compile(
    r"\b(?:would|will|'d|'ll|should|willing|prepared|happy to|expect|fair|reasonable|acceptable|most|"
    r"maximum|max|ready to|too (?:expensive|much|high|cheap|low)|right price|okay to|ok to|justify|"
    r"might|could)\b"
)
PRICING_DIRECT = re.compile(
    r"\bworth\b[^.?!]{0,30}\bto (?:you|your)\b|\bhow much is [^.?!]{1,50}\bworth\b|"
    r"\b(?:fair|right|reasonable|good|acceptable|ideal|maximum|max) price\b|\bprice point\b|"
    r"\bwhat price\b|\bwhat pricing\b|\bwillingness to pay\b|"
    r"\b(?:what|how much|any|your) budget (?:do|does|is|are|would|for|have|could)\b|"
    r"\bbudget\b[^.?!]{0,20}\b(?:for this|for it|for that|set aside|available for|for something like)\b|"
    r"\bdo you have (?:a |any )?budget\b|\b(?:affordable|too expensive|too pricey|too cheap|good value|"
    r"value for money|reasonably priced|overpriced)\b|\bhow much (?:do you|would you|will you) (?:budget|set aside)\b"
)
PAST_MONEY = re.compile(r"\b(?:did|was|were|had)\b")


def pricing(a: Analysis) -> str | None:
    text = a.without_request
    direct = _first(PRICING_DIRECT, text)
    if direct:
        return direct
    money = MONEY.search(text)
    if not money:
        return None
    willing = WILLINGNESS.search(text)
    if willing:
        return money.group(0)
    return None


# ---- compound -----------------------------------------------------------------------------------------

def compound(a: Analysis) -> str | None:
    asking = [u for u in a.units if (u.interrogative and u.frame != "tag") or embedded_wh(u)]
    # Sentences that ask (a question mark, or a What/Do... frame). A request such as "Tell me about the
    # last time ..." followed by "What happened?" is one invitation with its follow-up, not two questions.
    questions = {u.sentence for u in a.units if u.asks and u.frame != "request"}
    questions |= {u.sentence for u in asking if u.frame in {"wh", "aux"}}
    if len(questions) >= 2:
        return "two question marks"
    for first, second in pairwise(asking):
        if first.sentence == second.sentence:
            return " ".join(second.words[: min(len(second.words), 3)])
    if re.search(r"\bif so\b|\bif not\b", a.lower) and asking:
        return "if so"
    return None


# ---- pitch --------------------------------------------------------------------------------------------

PRODUCT_NOUNS = (
    r"feature|tool|app|application|product|platform|dashboard|service|prototype|solution|system|version|"
    r"portal|module|bot|chatbot|card|design|mock-?up|concept|plug-?in|integration|assistant|software|"
    r"widget|offering|device|kit|programme|program|plan|package|bundle|add-on|extension|website|site"
)
PITCH_LEAD = re.compile(
    r"^(?:so,? |now,? |ok,? |okay,? |well,? )?(?:"
    r"we(?:'ve|'re| have| are)(?: just| recently| now| already)? (?:re)?[a-z]+(?:ed|ing)\b|"
    r"we(?:'re|'ve|'ll|'d| are| have| will| just| recently| now| plan| want| built| build| made| make|"
    r" designed| developed| created| launched| added| offer| sell)?\b[^?]{0,40}\b(?:build|built|building|"
    r"help|helps|let|save|saves|cut|cuts|automate|automates|reduce|reduces|connect|connects|enable|solve|"
    r"develop|developed|developing|create|created|creating|launch|launched|launching|add|added|adding|"
    r"design|designed|designing|offer|offered|offering|introduc\w*|releas\w*|working on|make|making|made|"
    r"plan|planning|test|testing|sell|selling|provide|providing|roll\w* out|pilot\w*|bring\w*)\b|"
    r"(?:with|using|through|in) our\b|our (?!customers?\b|conversation\b|call\b|meeting\b|last\b|chat\b)"
    r"[a-z-]+\b.{3,}|"
    r"(?:this|the new|the latest|our new) (?:new )?(?:" + PRODUCT_NOUNS + r")\b.{3,}|"
    r"(?:here is|here's|let me show you|i want to show you|i'd like to show you|this is our)\b"
    r")"
)


def pitch(a: Analysis) -> str | None:
    units = a.pitch_units
    if not units:
        return None
    return " ".join(units[0].words[:6])


# ---- generic ------------------------------------------------------------------------------------------

GENERIC = re.compile(
    r"\b(?:usually|typically|normally|generally|customarily|habitually|routinely)\b|"
    r"\bin general\b|\bever\b(?! since)|\btend(?:s)? to\b|\btypical\b|\busual\b|\bas a rule\b|"
    r"\bon average\b|\bmost of the time\b|\bmore often than not\b|\bin most cases\b|\balways\b|"
    r"\bhow often (?:do|does|would|will|are|is)\b|\bnormal (?:day|week|month|process|routine)\b|"
    r"\b(?:average|regular) (?:day|week|month|customer|order)\b|"
    r"\b(?:a|your) (?:good|bad|typical|normal|average|usual|regular) (?:day|week|month|shift|morning|year)\b"
    r"(?= (?:look|looks|go|goes|feel|feels|like)\b)"
)


def generic(a: Analysis) -> str | None:
    return _first(GENERIC, a.asked_text)


DETECTORS: dict[str, Callable[[Analysis], str | None]] = {
    "closed": closed,
    "leading": leading,
    "hypothetical": hypothetical,
    "opinion": opinion,
    "pricing": pricing,
    "compound": compound,
    "pitch": pitch,
    "generic": generic,
}
