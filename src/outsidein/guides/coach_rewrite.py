"""Suggested rewrites: the same topic, asked openly about one specific past instance.

A rewrite reuses the question's own verb and object where it can find them ("Do you use spreadsheets
to track your pipeline?" -> "Tell me about the last time you used spreadsheets to track your pipeline.
What happened?") and falls back to its topic ("the new dashboard") or, failing that, a plain invitation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from outsidein.guides.coach_clauses import clause_after_you
from outsidein.guides.coach_grammar import (
    ADVERBS_TO_SKIP,
    AUXILIARIES,
    DETERMINERS,
    PREPOSITIONS,
    TOKEN,
    Unit,
    base_form,
    embedded_wh,
    ends_noun_phrase,
    is_verb_form,
    noun_phrase_at,
    past_tense,
)
from outsidein.guides.coach_rules import MONEY, Analysis, opinion, pricing
from outsidein.guides.coach_vocabulary import (
    ADJECTIVE_LIKE,
    BE_FORMS,
    CURRENCY,
    DANGLING,
    EMPTY_TOPIC,
    EVERY,
    FOLLOW_UP,
    GENERIC_WORDS,
    IDEA_WORDS,
    LIKE_THIS,
    LOADED,
    MODAL_TAIL,
    MONEY_VERBS,
    OURS,
    PROBLEM,
    TIME_TAILS,
    TOPIC_SKIP,
    WEAK_VERBS,
    case_map,
    has_content,
)


class Rewriter:
    """Builds the suggestion for one finding of one question."""

    def __init__(self, analysis: Analysis, review: Callable[[str], Sequence[tuple[str, str]]]) -> None:
        self.a = analysis
        # review(text) -> [(rule, suggestion)] for part of the question: a compound question's first half,
        # or the question left after a pitch, is kept as the suggestion when it is fine on its own.
        self.review = review
        self.case = case_map(analysis.text)
        self.units = [u for u in analysis.units if u not in analysis.pitch_units]
        self.main = analysis.question_units[0] if analysis.question_units else None

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
        text = OURS.sub("the", text)
        text = EVERY.sub(lambda m: "an " if m.group(1) in "aeiou" else "a ", text)
        text = LIKE_THIS.sub(" ", text)
        text = MODAL_TAIL.sub(" ", text)
        text = DANGLING.sub(" ", text)
        return [w for w in text.split() if w]

    @staticmethod
    def sentence(text: str) -> str:
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def last_time(self, clause: str, rule: str) -> str:
        return self.sentence(f"Tell me about the last time {clause}. {FOLLOW_UP[rule]}")

    # ---- pieces of the question ----------------------------------------------------------------------

    def you_clause(self) -> tuple[str, list[str]] | None:
        """("use", ["spreadsheets", "to", ...]) from "... you (usually) use spreadsheets to ..."."""
        for unit in self.units:
            words = list(unit.words)
            if words[0] == "if":
                continue  # the imagined condition is not something they did
            for i, word in enumerate(words):
                if word == "you" and (clause := clause_after_you(words, i)) is not None:
                    return clause
        return None

    def gerund_clause(self) -> tuple[str, list[str]] | None:
        """("escalate", ["urgent", "tickets"]) from "... for escalating urgent tickets"."""
        for unit in self.units:
            words = list(unit.words)
            for i, word in enumerate(words):
                if not (i and word.endswith("ing") and is_verb_form(word)):
                    continue
                if base_form(word) in WEAK_VERBS:
                    continue
                if words[i - 1] in PREPOSITIONS | {"of", "yourself", "team", "staff", "them"}:
                    return base_form(word), words[i + 1 :]
        return None

    def subject_clause(self) -> tuple[list[str], str, str | None, list[str]] | None:
        """(["your", "manager"], "approve", None, ["every", "purchase"]) from "Does your manager approve ...?".

        The third item is "was"/"were" for a passive ("Were the test results sent on time?").
        """
        for unit in self.units:
            words = list(unit.words)
            aux_at = next((i for i, w in enumerate(words) if w in AUXILIARIES), None)
            if aux_at is None:
                continue
            start = aux_at + 1
            if start >= len(words) or words[start] in {"you", "it", "there", "that", "this", "i", "we"}:
                continue
            if ends_noun_phrase(words[start]) and base_form(words[start]) == words[start]:
                continue  # "could | approve invoices": a verb, not a subject
            longest = noun_phrase_at(words, start, limit=5) or words[start : start + 1]
            # The shortest subject followed by a verb: "the carrier | call you".
            for size in range(1, len(longest) + 1):
                subject = words[start : start + size]
                if subject[-1] in DETERMINERS or subject[-1] in ADJECTIVE_LIKE:
                    continue
                j = start + size
                while j < len(words) and words[j] in ADVERBS_TO_SKIP:
                    j += 1
                if j >= len(words) or not is_verb_form(words[j]) or words[j] in AUXILIARIES:
                    continue
                verb = base_form(words[j])
                aux = words[aux_at]
                if aux in BE_FORMS and words[j] == verb:
                    continue  # "Was the discharge | process ...": not a verb after "was"
                if aux in BE_FORMS:
                    passive = "were" if aux in {"are", "were", "aren't", "weren't"} else "was"
                    return subject, words[j], passive, words[j + 1 :]
                if verb in WEAK_VERBS - {"get", "make", "help", "work", "do"} or verb == "be":
                    break
                return subject, verb, None, words[j + 1 :]
        return None

    def topic(self, ours_only: bool = False) -> list[str] | None:
        """The thing the question is about: a noun phrase after about/with, else the first one that is
        not the subject right after an auxiliary."""
        candidates: list[list[str]] = []
        for unit in self.units:
            words = list(unit.words)
            for i, word in enumerate(words):
                after_prep = bool(i) and words[i - 1] in {"about", "with"}
                if not (word in DETERMINERS or after_prep):
                    continue
                if word in AUXILIARIES or word in {"you", "me"}:
                    continue
                cleaned = self.clean(noun_phrase_at(words, i))
                cleaned = [w for w in cleaned if w != "last"] if cleaned[:2] == ["the", "last"] else cleaned
                ends_vaguely = cleaned and cleaned[-1] in DETERMINERS | {"one", "ones"}
                if not has_content(cleaned) or ends_vaguely or set(cleaned) & TOPIC_SKIP:
                    continue
                if any(ch.isdigit() for w in cleaned for ch in w) or CURRENCY.search(" ".join(cleaned)):
                    continue
                if ours_only and word not in {"our", "this", "these", "that", "the"}:
                    continue
                if after_prep:
                    return cleaned
                subject = bool(i) and words[i - 1] in AUXILIARIES
                candidates.append((1 if subject else 0, len(candidates), cleaned))  # type: ignore[arg-type]
        if not candidates:
            return None
        return min(candidates)[2]  # type: ignore[return-value]

    def past_clause(self, subject: str, verb: str, rest: Sequence[str], passive: str | None = None) -> str | None:
        rest = self.clean(rest)
        # Cut the clause where a second question or a new clause begins.
        for i, word in enumerate(rest):
            if word in {"and", "or", "but", "if", "because", "so", "than"}:
                rest = rest[:i]
                break
        if rest and (not has_content(rest) or set(rest) <= PREPOSITIONS | EMPTY_TOPIC):
            return None
        while rest and rest[0].endswith("ly") and rest[0] not in {"supply", "apply", "reply", "fly", "rely"}:
            rest = rest[1:]
        if rest and rest[0] == "about":
            rest = ["something", *rest]
        if not rest:
            return None
        verb_text = f"{passive} {verb}" if passive else past_tense(verb)
        return f"{subject} {verb_text} {self.words_text(rest)}".strip()

    # ---- per rule ------------------------------------------------------------------------------------

    def suggest(self, rule: str) -> str:
        method: Callable[[], str] = getattr(self, f"_{rule}")
        return method()

    def _behaviour(self, rule: str, prefer_topic: bool = False) -> str:
        """The common cascade: the question's own verb, a verb inside it, its topic, then a plain ask."""
        if rule in {"closed", "hypothetical"} and pricing(self.a):
            found = self.you_clause()
            if found is None or found[0] in MONEY_VERBS:
                return self._pricing()
        if not prefer_topic:
            builders = [self._from_you, self._from_gerund, self._from_subject]
            if self.main is not None and self.main.frame == "aux" and "you" not in self.main.words[:3]:
                builders = [self._from_subject, self._from_you, self._from_gerund]
            for build in builders:
                clause = build()
                if clause:
                    return self.last_time(clause, rule)
        if self.a.pitch_units:
            return self._pitch()
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
        subject, verb, passive, rest = found
        return self.past_clause(self.words_text(self.clean(subject)), verb, rest, passive)

    def _closed(self) -> str:
        found = self.you_clause()
        if found is None and opinion(self.a):
            return self._opinion()
        return self._behaviour("closed")

    def _leading(self) -> str:
        # The leading wording carries the presupposition, so only the topic is kept.
        return self._behaviour("leading", prefer_topic=True)

    def _hypothetical(self) -> str:
        event = self._event_after_do()
        if event:
            return self.sentence(f"Tell me about the last time {event}. What did you do?")
        text = self.a.asked_text
        found = self.you_clause()
        if pricing(self.a) and (found is None or found[0] in MONEY_VERBS):
            return self._pricing()
        own = self._from_you()
        if own:
            return self.last_time(own, "hypothetical")
        ours = re.search(r"\bif (?:we|our \w+) (?:\w+ )?(?:added|built|made|offered|launched|gave|introduced|"
                         r"created|provided|automated|changed|removed|sent|had)\b ([a-z0-9' -]+?)(?:,|\?|$| would)",
                         text)
        if ours:
            words = self.clean(ours.group(1).split())
            if has_content(words):
                return self.last_time(f"you dealt with {self.words_text(words)}", "hypothetical")
        conditional = re.search(r"\bif (?!we\b|you\b|i\b|our\b)([a-z0-9' -]+?)(?:,|\?|$| would| could| will)",
                                text)
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
                "isn't": "wasn't", "aren't": "weren't", "doesn't": "didn't", "don't": "didn't"}
        for i, word in enumerate(words):
            if word in past:
                words[i] = past[word]
                break
            if i and word.endswith("s") and is_verb_form(word) and base_form(word) != word:
                words[i] = past_tense(base_form(word))
                break
        if words and words[0] in {"a", "an"}:
            words[0] = "the"
        return self.words_text(words) if has_content(words) else None

    def _opinion(self) -> str:
        if self.a.pitch_units:
            return self._pitch()
        named = re.search(r"\bfind ([a-z0-9' -]+?) (?:useful|helpful|valuable|interesting|easy)\b|"
                          r"\bhow \w+ (?:would|will|is|are) ([a-z0-9' -]+?) be\b", self.a.asked_text)
        topic = None
        if named:
            topic = self.clean((named.group(1) or named.group(2)).split())
            topic = topic if has_content(topic) and topic[0] not in {"it", "this", "that"} else None
        topic = topic or self.topic(ours_only=True)
        if not topic:
            return PROBLEM
        if set(topic) & IDEA_WORDS:
            action = self._from_gerund()  # "the idea of paying by phone" -> "you paid by phone"
            if action:
                return self.last_time(action, "opinion")
            inner = [w for w in topic if w not in IDEA_WORDS and w not in {"of", "for"}]
            inner = inner[1:] if inner and inner[0] in DETERMINERS else inner
            if has_content(inner):
                verb = "are" if inner[-1].endswith("s") and not inner[-1].endswith("ss") else "is"
                problem = f"the problem that {self.words_text(inner)} {verb} meant to solve"
                return self.sentence(f"Tell me about the last time you ran into {problem}. What did you do?")
            return PROBLEM
        return self.last_time(f"you used {self.words_text(topic)}", "opinion")

    def _pricing(self) -> str:
        match = re.search(r"\bhow much is ([a-z0-9' -]+?) worth\b", self.a.asked_text)
        words: list[str] | None = self.clean(match.group(1).split()) if match else None
        if not words:
            for unit in self.units:
                unit_words = list(unit.words)
                for i, word in enumerate(unit_words[:-1]):
                    if word in {"for", "on"}:
                        phrase = self.clean(noun_phrase_at(unit_words, i + 1))
                        if has_content(phrase) and not MONEY.search(" ".join(phrase)):
                            words = phrase
                            break
                if words:
                    break
        if words and has_content(words) and words[0] not in {"it", "this", "that"}:
            return self.last_time(f"you paid for {self.words_text(words)}", "pricing")
        return "Tell me about the last time you paid to solve this problem. What did it cost you?"

    def _compound(self) -> str:
        first = self.first_question()
        if not first:
            return self._behaviour("compound")
        findings = [f for f in self.review(first) if f[0] != "compound"]
        return findings[0][1] if findings else first

    def first_question(self) -> str | None:
        units = self.units
        asking = [u for u in units if (u.interrogative and u.frame != "tag") or embedded_wh(u)]
        if not asking:
            return None
        first = asking[0]
        # Clauses before the first question belong to it ("When the card was declined, what ...").
        parts = [u.text for u in units[: units.index(first) + 1] if u.sentence == first.sentence]
        text = ", ".join(p.strip(" ,;") for p in parts)
        text = re.sub(r"^(?:and|or|but)\s+", "", text.strip(), flags=re.IGNORECASE)
        text = re.sub(r"\s*,?\s*(?:and|or|but)$", "", text)
        end = "?" if first.frame in {"wh", "aux"} else "."
        return self.sentence(text.rstrip(" ?.!,") + end)

    def _pitch(self) -> str:
        remainder = self.after_pitch()
        if remainder and not self.review(remainder):
            return remainder
        lead = " ".join(u.text for u in self.a.pitch_units).lower()
        lets = re.search(r"\b(?:lets|allows|helps|enables|let|allow|help|enable) (you|your \w+|(?!me\b|us\b)\w+) "
                         r"(?:to )?"
                         r"([a-z-]+)((?: [a-z0-9'-]+)*)", lead)
        if lets and is_verb_form(lets.group(2)):
            subject = lets.group(1)
            subject = "you" if subject in {"you", "them"} else subject
            clause = self.past_clause(self.words_text([subject]), base_form(lets.group(2)), lets.group(3).split())
            if clause:
                return self.last_time(clause, "pitch")
        gives = re.search(r"\b(?:gives|shows|sends|offers|brings|tells|provides) (?:you |your \w+ )?"
                          r"((?:[a-z0-9'-]+ ?)+)", lead)
        if gives:
            words = self.clean(gives.group(1).split())
            if len(words) > 2 and words[0] not in DETERMINERS and words[1] in DETERMINERS:
                words = words[1:]  # "gives managers | a live view ..."
            if has_content(words):
                return self.last_time(f"you needed {self.words_text(words)}", "pitch")
        does = re.search(r"\b(?:that|which|to|can) (?:automatically )?([a-z-]+) ((?:[a-z0-9'-]+ ?)+)", lead)
        if does and is_verb_form(does.group(1)):
            words = self.clean(does.group(2).split())
            words = [w for w in words if w not in {"automatically", "instantly", "faster", "quickly"}]
            words = words[: next((i for i, w in enumerate(words) if w in PREPOSITIONS and i > 1), len(words))]
            if has_content(words):
                return self.last_time(f"you dealt with {self.words_text(words)}", "pitch")
        audience = re.search(r"\bfor ((?:[a-z0-9'-]+ ?){1,4})$", lead)
        if audience:
            words = self.clean(audience.group(1).split())
            if has_content(words) and not words[-1].endswith("s"):
                return self.last_time(f"you dealt with {self.words_text(words)}", "pitch")
        return PROBLEM

    def after_pitch(self) -> str | None:
        """The question as asked once the description of the solution is taken out."""
        text = self.a.text
        end = 0
        for unit in self.a.pitch_units:
            at = text.find(unit.text, end)
            if at >= 0:
                end = at + len(unit.text)
        rest = text[end:].lstrip(" .,;:-\u2013\u2014")
        if not TOKEN.findall(rest.lower()):
            return None
        rest = self.sentence(rest)
        return rest if rest.endswith(("?", ".", "!")) else rest + "?"

    def _generic(self) -> str:
        event = self._event_after_do()
        if event:
            return self.sentence(f"Tell me about the last time {event}. What did you do?")
        text = self.a.asked_text
        how_often = re.search(r"\bhow often (?:do|does) (you|[a-z]+(?: [a-z]+)?) ([^?.]+)", text)
        if how_often:
            subject, rest = how_often.group(1), self.clean(how_often.group(2).split())
            if has_content(rest):
                return self.sentence(f"When did {self.words_text([subject])} last {self.words_text(rest)}?")
        if re.search(r"\b(?:usual|typical|normal|standard) (?:process|way|routine|approach|method|procedure)\b",
                     text):
            clause = self._from_gerund()
            if clause:
                return self.last_time(clause, "generic")
        main = self.main
        if main is not None and main.frame == "wh":
            shifted = self._shift_to_past(main)
            if shifted:
                return shifted
        if main is not None and main.frame == "request":
            plain = GENERIC_WORDS.sub("", main.text)
            replaced = re.sub(r"\b(?:a|an|your) (?:typical|usual|normal|average|regular)\b", "the last", plain,
                              flags=re.IGNORECASE)
            if replaced != plain:
                return self.sentence(replaced.rstrip(" .?") + ".")
        return self._behaviour("generic")

    def _shift_to_past(self, unit: Unit) -> str | None:
        """"How do you typically onboard a new client?" -> "How did you onboard the last new client?"."""
        text = GENERIC_WORDS.sub("", unit.text.lower())
        text = re.sub(r"\btend(?:s)? to\b\s*", "", text)
        replaced = re.sub(r"\b(?:a|an|your) (?:typical|usual|normal|average|regular)\b", "the last", text)
        if replaced == text and re.search(r"\b(?:typical|usual|normal|average)\b", text):
            return None
        text = replaced
        past = {"do": "did", "does": "did", "is": "was", "are": "were", "has": "had", "have": "had",
                "what's": "what was", "how's": "how was"}
        words = text.split()
        aux_at = next((i for i, w in enumerate(words[:6]) if w in past), None)
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
