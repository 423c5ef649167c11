"""Suggested rewrites: the same topic, asked openly about one specific past instance.

A rewrite reuses the question's own verb and object where it can find them ("Do you use spreadsheets
to track your pipeline?" -> "Tell me about the last time you used spreadsheets to track your pipeline.
What happened?") and falls back to its topic ("the new dashboard") or, failing that, a plain invitation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from outsidein.guides.coach_grammar import (
    ADVERBS_TO_SKIP,
    AUXILIARIES,
    DETERMINERS,
    PREPOSITIONS,
    TOKEN,
    WH_WORDS,
    Unit,
    base_form,
    embedded_wh,
    is_verb_form,
    noun_phrase_at,
    past_tense,
)
from outsidein.guides.coach_rules import LOADED_WORDS, Analysis

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
    "mind", "rate", "consider", "look", "wish", "expect", "hope", "tend", "plan", "intend", "going",
    "planning", "likely", "able", "willing", "prepared", "interested", "recommend_",
})
# Words after "you" that are not its verb.
NOT_VERBS = frozenset(AUXILIARIES | DETERMINERS | PREPOSITIONS | WH_WORDS) | {
    "and", "or", "but", "that", "it", "them", "me", "us", "yourself", "yourselves", "guys", "all",
    "more", "less", "so", "very", "too", "if", "when", "a", "an", "the", "there", "here", "i", "we",
    "they", "he", "she", "'d", "'ll", "'re", "'ve", "as", "than", "think",
}
SKIP_AFTER_YOU = ADVERBS_TO_SKIP | frozenset(AUXILIARIES) | {
    "'d", "'ll", "to", "be", "been", "planning", "going", "intending", "likely", "able", "about", "tend",
    "trying", "willing", "prepared", "ready", "want", "wanting", "expect", "think", "thinking", "of",
    "plan", "intend", "ever", "happy", "need",
}
TIME_TAILS = re.compile(
    r"\b(?:next (?:year|month|week|quarter|time)|in the future|going forward|these days|nowadays|"
    r"every (?:day|week|month|year|time|hour|morning|night)|each (?:day|week|month|year|time)|"
    r"more often|any more|anymore|again|instead|in real time)\b"
)
GENERIC_WORDS = re.compile(
    r"\b(?:usually|typically|normally|generally|in general|ever|always|often|sometimes|regularly|"
    r"routinely|customarily|habitually|as a rule|on average|most of the time|in most cases)\b,?\s*"
)
LOADED = re.compile(r"\b(?:" + LOADED_WORDS + r"|really|so|such|very|too|just|even|obviously|surely)\b\s*")
IDEA_WORDS = frozenset({
    "idea", "ideas", "concept", "concepts", "mock-up", "mock-ups", "mockup", "mockups", "proposal",
    "prototype", "design", "designs", "plan", "sketch", "approach", "option", "options", "pitch",
})
# A topic made only of these words says nothing on its own.
EMPTY_TOPIC = frozenset({
    "it", "this", "that", "these", "those", "one", "them", "something", "anything", "things", "thing",
    "way", "the", "a", "an", "there", "here", "what", "lot", "time", "bit",
})


def _case_map(text: str) -> dict[str, str]:
    """Keep the original spelling of names and acronyms ("IT", "ERP", "Rotterdam") in rewrites."""
    mapping: dict[str, str] = {}
    for index, word in enumerate(TOKEN.findall(text)):
        if word.lower() != word and (index > 0 or word.isupper() and len(word) > 1):
            mapping.setdefault(word.lower(), word)
    return mapping


class Rewriter:
    """Builds the suggestion for one finding of one question."""

    def __init__(self, analysis: Analysis, review: Callable[[str], Sequence[tuple[str, str]]]) -> None:
        self.a = analysis
        # review(text) -> [(rule, suggestion)] for a part of the question; used to rewrite the first half
        # of a compound question.
        self.review = review
        self.case = _case_map(analysis.text)
        self.main = next((u for u in analysis.question_units), analysis.units[0] if analysis.units else None)

    # ---- output helpers ------------------------------------------------------------------------------

    def words_text(self, words: Sequence[str]) -> str:
        text = " ".join(self.case.get(w, w) for w in words)
        return re.sub(r" ('s|'re|'ve|'d|'ll)\b", r"\1", text)

    def clean(self, words: Sequence[str]) -> list[str]:
        """Object words made neutral: our -> the, no habit words, no loaded words, no future tails."""
        text = " ".join(words)
        text = TIME_TAILS.sub(" ", text)
        text = GENERIC_WORDS.sub(" ", text)
        text = LOADED.sub(" ", text)
        text = re.sub(r"\b(?:our|this|these|those)\b(?= \w)", "the", text)
        text = re.sub(r"\bevery\b", "a", text)
        text = re.sub(r"\b(?:like (?:this|that)|such as this|of this kind)\b", " ", text)
        text = re.sub(r"\b(?:would|could|will|might|should)\b.*$", " ", text)
        return [w for w in text.split() if w]

    @staticmethod
    def sentence(text: str) -> str:
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def last_time(self, clause: str, rule: str) -> str:
        return self.sentence(f"Tell me about the last time {clause}. {FOLLOW_UP[rule]}")

    # ---- pieces of the question ----------------------------------------------------------------------

    def units_for_rewrite(self) -> list[Unit]:
        return [u for u in self.a.units if u not in self.a.pitch_units]

    def you_clause(self, units: Sequence[Unit] | None = None) -> tuple[str, list[str]] | None:
        """("use", ["spreadsheets", "to", ...]) from "... you (usually) use spreadsheets to ..."."""
        for unit in units if units is not None else self.units_for_rewrite():
            words = list(unit.words)
            for i, word in enumerate(words):
                if word != "you":
                    continue
                j = i + 1
                while j < len(words) and words[j] in SKIP_AFTER_YOU:
                    j += 1
                if j >= len(words):
                    continue
                verb = words[j]
                if verb in NOT_VERBS or base_form(verb) in WEAK_VERBS or verb.endswith("ly"):
                    continue
                if not is_verb_form(verb) and j > i + 1 and words[j - 1] not in {"to", "ever", "usually"}:
                    if words[i + 1] not in AUXILIARIES and words[i + 1] not in ADVERBS_TO_SKIP:
                        continue
                rest = words[j + 1 :]
                return base_form(verb) if is_verb_form(verb) else verb, rest
        return None

    def gerund_clause(self) -> tuple[str, list[str]] | None:
        """("escalate", ["urgent", "tickets"]) from "... for escalating urgent tickets"."""
        for unit in self.units_for_rewrite():
            words = list(unit.words)
            for i, word in enumerate(words):
                if i and word.endswith("ing") and is_verb_form(word) and base_form(word) not in WEAK_VERBS:
                    if words[i - 1] in PREPOSITIONS | {"of", "yourself", "team", "staff", "them"}:
                        return base_form(word), words[i + 1 :]
        return None

    def subject_clause(self) -> tuple[list[str], str, list[str]] | None:
        """(["your", "manager"], "approve", ["every", "purchase"]) from "Does your manager approve ...?"."""
        for unit in self.units_for_rewrite():
            words = list(unit.words)
            aux_at = next((i for i, w in enumerate(words) if w in AUXILIARIES), None)
            if aux_at is None:
                continue
            start = aux_at + 1
            if start < len(words) and words[start] in {"you", "it", "there", "that", "this"}:
                continue
            subject = noun_phrase_at(words, start, limit=4)
            if not subject:
                continue
            j = start + len(subject)
            while j < len(words) and words[j] in ADVERBS_TO_SKIP:
                j += 1
            if j < len(words) and is_verb_form(words[j]) and base_form(words[j]) not in WEAK_VERBS | {"be"}:
                return subject, base_form(words[j]), words[j + 1 :]
        return None

    def topic(self) -> list[str] | None:
        """The thing the question is about: the noun phrase after of/about/with/for, else the first one."""
        candidates: list[list[str]] = []
        for unit in self.units_for_rewrite():
            words = list(unit.words)
            for i, word in enumerate(words):
                if word in DETERMINERS or (i and words[i - 1] in {"of", "about", "with", "for", "on", "is"}
                                           and word not in AUXILIARIES and word not in {"you", "me"}):
                    phrase = noun_phrase_at(words, i)
                    cleaned = self.clean(phrase)
                    if cleaned and not set(cleaned) <= EMPTY_TOPIC and cleaned[-1] not in DETERMINERS:
                        preferred = i and words[i - 1] in {"of", "about", "with", "for", "on"}
                        candidates.append(cleaned)
                        if preferred:
                            return cleaned
        return candidates[0] if candidates else None

    def past_clause(self, subject: str, verb: str, rest: Sequence[str]) -> str:
        rest = self.clean(rest)
        # Cut the clause where a second question or a new clause begins.
        for i, word in enumerate(rest):
            if word in {"and", "or", "but", "if", "when", "because", "so"} and i:
                rest = rest[:i]
                break
        if rest and rest[0] in EMPTY_TOPIC and len(rest) == 1:
            rest = []
        if rest and rest[0] == "about":
            rest = ["something", *rest]
        return f"{subject} {past_tense(verb)} {self.words_text(rest)}".strip()

    # ---- per rule ------------------------------------------------------------------------------------

    def suggest(self, rule: str) -> str:
        method = getattr(self, f"_{rule}")
        return method()

    def _behaviour(self, rule: str, prefer_topic: bool = False) -> str:
        """The common cascade: own verb, then a verb inside the question, then the topic, then a plain ask."""
        if not prefer_topic:
            for build in (self._from_you, self._from_gerund, self._from_subject):
                clause = build()
                if clause:
                    return self.last_time(clause, rule)
        topic = self.topic()
        if topic:
            return self.last_time(f"you dealt with {self.words_text(topic)}", rule)
        return self.last_time("this came up", rule)

    def _from_you(self) -> str | None:
        found = self.you_clause()
        return self.past_clause("you", *found) if found else None

    def _from_gerund(self) -> str | None:
        found = self.gerund_clause()
        return self.past_clause("you", *found) if found else None

    def _from_subject(self) -> str | None:
        found = self.subject_clause()
        if not found:
            return None
        subject, verb, rest = found
        return self.past_clause(self.words_text(self.clean(subject)), verb, rest)

    def _closed(self) -> str:
        return self._behaviour("closed")

    def _leading(self) -> str:
        # The leading wording carries the presupposition, so only the topic is kept.
        return self._behaviour("leading", prefer_topic=True)

    def _hypothetical(self) -> str:
        event = self._event_after_do()
        if event:
            return self.sentence(f"Tell me about the last time {event}. What did you do?")
        conditional = re.search(
            r"\bif (?!we\b|you\b|i\b|our\b)([a-z0-9' -]+?)(?:,|\?|$| would| could| will)", self.a.asked_text
        )
        if conditional:
            words = self.clean(conditional.group(1).split())
            if len(words) >= 3:
                return self.last_time(self.words_text(words), "hypothetical")
        return self._behaviour("hypothetical")

    def _event_after_do(self) -> str | None:
        """"What would you do if the system went down?" -> "the system went down"."""
        match = re.search(
            r"\bwhat (?:do|does|would|will|did) (?:you|your \w+|they)(?: \w+ly)? do (?:if|when|whenever) "
            r"([^?.,]+)", self.a.asked_text
        )
        if not match:
            return None
        words = self.clean(match.group(1).split())
        past = {"is": "was", "are": "were", "has": "had", "have": "had", "does": "did", "do": "did",
                "goes": "went", "gets": "got", "comes": "came", "isn't": "wasn't", "aren't": "weren't",
                "doesn't": "didn't", "don't": "didn't"}
        for i, word in enumerate(words):
            if word in past:
                words[i] = past[word]
                break
            if i and word.endswith("s") and is_verb_form(word) and base_form(word) != word:
                words[i] = past_tense(base_form(word))
                break
        words = ["the" if w in {"a", "an"} and i == 0 else w for i, w in enumerate(words)]
        return self.words_text(words)

    def _opinion(self) -> str:
        topic = self.topic()
        if topic:
            if set(topic) & IDEA_WORDS:
                inner = [w for w in topic if w not in IDEA_WORDS and w not in {"of", "for"}]
                inner = inner[1:] if inner and inner[0] in DETERMINERS and len(inner) > 1 else inner
                if inner and not set(inner) <= EMPTY_TOPIC | DETERMINERS | {"two", "new"}:
                    problem = f"the problem that {self.words_text(inner)} would solve"
                    return self.sentence(f"Tell me about the last time you ran into {problem}. What did you do?")
                return self.sentence(
                    "Tell me about the last time you ran into the problem this is meant to solve. What did you do?"
                )
            return self.last_time(f"you used {self.words_text(topic)}", "opinion")
        return self._behaviour("opinion")

    def _pricing(self) -> str:
        match = re.search(r"\bhow much is ([a-z0-9' -]+?) worth\b", self.a.asked_text)
        words: list[str] | None = None
        if match:
            words = self.clean(match.group(1).split())
        if not words:
            for unit in self.units_for_rewrite():
                unit_words = list(unit.words)
                for i, word in enumerate(unit_words[:-1]):
                    if word in {"for", "on"}:
                        phrase = self.clean(noun_phrase_at(unit_words, i + 1))
                        if phrase and not set(phrase) <= EMPTY_TOPIC:
                            words = phrase
                            break
                if words:
                    break
        if words and words[0] in {"it", "this", "that"}:
            words = None
        if words:
            return self.last_time(f"you paid for {self.words_text(words)}", "pricing")
        return self.sentence("Tell me about the last time you paid to solve this problem. What did it cost you?")

    def _compound(self) -> str:
        first = self.first_question()
        if not first:
            return self._behaviour("compound")
        findings = [f for f in self.review(first) if f[0] != "compound"]
        if not findings:
            return first
        return findings[0][1]

    def first_question(self) -> str | None:
        units = self.units_for_rewrite()
        asking = [u for u in units if (u.interrogative and u.frame != "tag") or embedded_wh(u)]
        if not asking:
            return None
        first = asking[0]
        parts = [u.text for u in units if u.sentence == first.sentence and units.index(u) <= units.index(first)]
        # The unit before the first question may be its subordinate clause ("When the card was declined,").
        text = ", ".join(p.strip(" ,;") for p in parts)
        text = re.sub(r"^(?:and|or|but)\s+", "", text.strip(), flags=re.I)
        text = re.sub(r"\s*,?\s*(?:and|or|but)$", "", text)
        end = "?" if first.frame in {"wh", "aux"} else "."
        return self.sentence(text.rstrip(" ?.!,") + end)

    def _pitch(self) -> str:
        asked = " ".join(u.text for u in self.units_for_rewrite()).strip()
        if asked and not self.review(asked if asked.endswith(("?", ".")) else asked + "?"):
            return self.sentence(asked if asked.endswith(("?", ".")) else asked + "?")
        lead = " ".join(u.text for u in self.a.pitch_units).lower()
        lets = re.search(r"\b(?:lets|allows|helps|enables|let|allow|help|enable) (?:you|your \w+|them) (?:to )?"
                         r"([a-z-]+)((?: [a-z0-9'-]+)*)", lead)
        if lets and is_verb_form(lets.group(1)):
            return self.last_time(self.past_clause("you", base_form(lets.group(1)), lets.group(2).split()), "pitch")
        gives = re.search(r"\b(?:gives|shows|sends|offers|brings|tells) (?:you|your \w+) ((?:[a-z0-9'-]+ ?)+)",
                          lead)
        if gives:
            words = self.clean(gives.group(1).split())
            if words:
                return self.last_time(f"you needed {self.words_text(words)}", "pitch")
        does = re.search(r"\b(?:that|which|to|can) (?:automatically )?([a-z-]+) ((?:[a-z0-9'-]+ ?)+)", lead)
        if does and is_verb_form(does.group(1)):
            words = self.clean(does.group(2).split())
            words = [w for w in words if w not in {"automatically", "instantly", "faster", "quickly"}]
            words = words[: next((i for i, w in enumerate(words) if w in PREPOSITIONS and i > 1), len(words))]
            if words and not set(words) <= EMPTY_TOPIC:
                return self.last_time(f"you dealt with {self.words_text(words)}", "pitch")
        return self.sentence(
            "Tell me about the last time you ran into the problem this is meant to solve. What did you do?"
        )

    def _generic(self) -> str:
        event = self._event_after_do()
        if event:
            return self.sentence(f"Tell me about the last time {event}. What did you do?")
        text = self.a.asked_text
        how_often = re.search(r"\bhow often (?:do|does) (you|[a-z]+(?: [a-z]+)?) ([^?.]+)", text)
        if how_often:
            subject, rest = how_often.group(1), self.clean(how_often.group(2).split())
            return self.sentence(f"When did {self.words_text([subject])} last {self.words_text(rest)}?")
        main = self.main
        if main is not None and main.frame == "wh":
            shifted = self._shift_to_past(main)
            if shifted:
                return shifted
        if main is not None and main.frame == "request":
            text = GENERIC_WORDS.sub("", main.text)
            replaced = re.sub(r"\b(?:a|an|your) (?:typical|usual|normal|average|regular)\b", "the last", text,
                              flags=re.I)
            if replaced != text:
                return self.sentence(replaced.rstrip(" .?") + ".")
        return self._behaviour("generic")

    def _shift_to_past(self, unit: Unit) -> str | None:
        """"How do you typically onboard a new client?" -> "How did you onboard the last new client?"."""
        text = unit.text.lower()
        text = GENERIC_WORDS.sub("", text)
        text = re.sub(r"\btend(?:s)? to\b\s*", "", text)
        replaced = re.sub(r"\b(?:a|an|your) (?:typical|usual|normal|average|regular)\b", "the last", text)
        if replaced == text and re.search(r"\b(?:typical|usual|normal|average)\b", text):
            return None
        text = replaced
        past = {"do": "did", "does": "did", "is": "was", "are": "were", "has": "had", "have": "had",
                "'s": " was", "what's": "what was", "how's": "how was"}
        words = text.split()
        aux_at = next((i for i, w in enumerate(words[:4]) if w in past), None)
        if aux_at is None:
            return None
        words[aux_at] = past[words[aux_at]]
        if "last" not in words:
            det_at = next((i for i, w in enumerate(words) if i > aux_at and w in {"a", "an"}), None)
            if det_at is not None and det_at + 1 < len(words):
                words[det_at] = "the last"
            else:
                words.append("last time")
        result = self.words_text(TOKEN.findall(" ".join(words)))
        return self.sentence(result.rstrip(" ?") + "?")
