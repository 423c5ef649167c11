"""The words and patterns a rewrite reads a question with: weak verbs, loaded and generic words, time tails."""

from __future__ import annotations

import re
from collections.abc import Sequence

from outsidein.guides.coach_grammar import (
    AUXILIARIES,
    DETERMINERS,
    PREPOSITIONS,
    TOKEN_ANY_CASE,
    WH_WORDS,
)
from outsidein.guides.coach_rules import LOADED_WORDS

FOLLOW_UP = {
    "closed": "What happened?",
    "leading": "How did it go?",
    "hypothetical": "What did you do?",
    "opinion": "What happened?",
    "pricing": "What did it cost you?",
    "pitch": "What did you do?",
    "generic": "What happened?",
    "compound": "What happened?",
}

# Verbs that say little about behaviour: "Would you feel safer?" is better rewritten from its topic.
WEAK_VERBS = frozenset({
    "think", "feel", "like", "love", "hate", "want", "find", "see", "say", "be", "prefer", "agree",
    "mind", "rate", "consider", "wish", "expect", "hope", "tend", "intend", "do", "enjoy", "dislike",
    "recommend", "become", "get", "make", "help", "work", "look", "seem", "sound",
})
# Noun phrases that name the conversation rather than its subject.
TOPIC_SKIP = frozenset({
    "opinion", "opinions", "impression", "impressions", "thoughts", "view", "views", "feedback", "reaction",
    "take", "verdict", "life", "job", "day", "week", "time", "problem", "problems", "person",
})
MONEY_VERBS = frozenset({"pay", "spend", "charge", "budget", "cost", "afford", "invest"})
# Words after "you" that are not its verb.
NOT_VERBS = frozenset(AUXILIARIES | DETERMINERS | PREPOSITIONS | WH_WORDS) | {
    "and", "or", "but", "that", "it", "them", "me", "us", "yourself", "yourselves", "guys", "all",
    "more", "less", "so", "very", "too", "if", "when", "a", "an", "the", "there", "here", "i", "we",
    "they", "he", "she", "'d", "'ll", "'re", "'ve", "as", "than", "out", "up", "down", "off", "back",
}
DO_AND_MODALS = frozenset({
    "do", "does", "did", "would", "will", "could", "can", "might", "should", "don't", "didn't", "doesn't",
    "won't", "wouldn't", "couldn't", "can't", "'d", "'ll", "must", "may",
})
BE_FORMS = frozenset({"is", "are", "was", "were", "am", "isn't", "aren't", "wasn't", "weren't", "be", "been"})
# Skipped after "you" only when "to" follows: "you plan to move" -> "move".
BEFORE_TO = frozenset({
    "plan", "planning", "going", "intending", "intend", "want", "wanting", "expect", "need", "tend",
    "trying", "likely", "able", "willing", "prepared", "ready", "happy", "about", "open", "hoping", "hope",
    "used", "have", "had", "has", "try", "like", "love", "prefer",
})
TIME_TAILS = re.compile(
    r"\b(?:next (?:year|month|week|quarter|time)|in the future|going forward|these days|nowadays|"
    r"(?:every|each) (?:day|week|month|year|time|hour|morning|night|evening|quarter|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|weekend)|more often|any more|anymore|again|instead|"
    r"in real time|last time|this time|right now|on time)\b"
)
GENERIC_WORDS = re.compile(
    r"\b(?:usually|typically|normally|generally|in general|ever|always|often|sometimes|regularly|"
    r"routinely|customarily|habitually|as a rule|on average|most of the time|in most cases)\b,?\s*"
)
LOADED = re.compile(
    r"\b(?:" + LOADED_WORDS + r"|really|so|such|very|too|just|even|obviously|surely|ideal|dream|perfect|exactly|"
    r"precisely)\b\s*"
)
OURS = re.compile(r"\b(?:our|this|these|those)\b(?= \w)")
EVERY = re.compile(r"\bevery\s+(?=(\w))")
LIKE_THIS = re.compile(r"\b(?:like (?:this|that)|such as this|of this kind)\b")
MODAL_TAIL = re.compile(r"\b(?:would|could|will|might|should)\b.*$")
DANGLING = re.compile(r"\b(?:more|less|any)\s*$")
IDEA_WORDS = frozenset({
    "idea", "ideas", "concept", "concepts", "mock-up", "mock-ups", "mockup", "mockups", "proposal",
    "proposals", "prototype", "prototypes", "sketch", "sketches", "pitch",
})
# A topic made only of these words says nothing on its own.
EMPTY_TOPIC = frozenset({
    "it", "this", "that", "these", "those", "one", "them", "something", "anything", "things", "thing",
    "way", "the", "a", "an", "there", "here", "what", "lot", "time", "bit", "two", "new", "any", "some",
    "all", "most", "both", "everything", "anyone", "someone", "more", "less",
})
# Words that describe rather than name; a subject cannot end with one ("the new | process ...").
ADJECTIVE_LIKE = frozenset({
    "new", "old", "current", "last", "first", "same", "other", "main", "whole", "next", "big", "small",
    "existing", "previous", "single", "own", "usual", "typical", "best", "latest",
})
CURRENCY = re.compile(r"\b(?:euros?|dollars?|pounds?|bucks|cents?|pence)\b|[$\u20ac\u00a3]")
PROBLEM = "Tell me about the last time you ran into the problem this is meant to solve. What did you do?"


def case_map(text: str) -> dict[str, str]:
    """Keep the original spelling of names and acronyms ("IT", "ERP", "Rotterdam") in rewrites."""
    mapping: dict[str, str] = {}
    for index, word in enumerate(TOKEN_ANY_CASE.findall(text)):
        if word.lower() != word and (index > 0 or (word.isupper() and len(word) > 1)):
            mapping.setdefault(word.lower(), word)
    return mapping


def has_content(words: Sequence[str]) -> bool:
    """Whether a clause or topic carries content beyond pronouns and filler."""
    return bool(words) and not set(words) <= EMPTY_TOPIC

