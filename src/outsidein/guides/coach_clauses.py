"""The action a question asks about: the verb after its "you" and what follows it, for a rewrite to reuse."""

from __future__ import annotations

from outsidein.guides.coach_grammar import ADVERBS_TO_SKIP, AUXILIARIES, base_form, is_verb_form
from outsidein.guides.coach_vocabulary import BE_FORMS, BEFORE_TO, DO_AND_MODALS, NOT_VERBS, WEAK_VERBS


def clause_after_you(words: list[str], i: int) -> tuple[str, list[str]] | None:
    """The verb (in its base form) and what follows it, for the "you" at ``words[i]``; None if no action follows."""
    before = words[i - 1] if i else ""
    if before in BE_FORMS and not (i + 1 < len(words) and words[i + 1].endswith("ing")):
        return None  # "Are you responsible ...", "Aren't you worried ...": not an action
    j, skipped = skip_to_verb(words, i + 1)
    if j >= len(words):
        return None
    verb = words[j]
    if verb in NOT_VERBS and skipped in {"have", "has", "had", "do", "does", "did"}:
        verb, j = skipped, j - 1  # "Have you ever had ...": "had" is the verb
    if verb in {"have", "has", "had"}:
        return "have", words[j + 1 :]  # "Have you ever had a payment rejected?"
    if verb in NOT_VERBS or verb.endswith("ly"):
        return None
    if not is_verb_form(verb) and before not in DO_AND_MODALS and skipped not in DO_AND_MODALS:
        return None
    base = base_form(verb)
    if base in WEAK_VERBS:
        return None
    return base, words[j + 1 :]


def skip_to_verb(words: list[str], start: int) -> tuple[int, str]:
    """Where the verb after "you" sits, past adverbs, auxiliaries and a "to", and the last word skipped."""
    j, skipped = start, ""
    while j < len(words):
        w = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ""
        perfect = w in {"have", "has", "had", "'ve"} and (is_verb_form(nxt) or nxt in ADVERBS_TO_SKIP)
        if w in ADVERBS_TO_SKIP or (w in AUXILIARIES and w not in {"have", "has", "had"}) or perfect:
            skipped = w
        elif w == "to" and j == start:
            skipped = "to"  # "convince you to upgrade"
        elif w in BEFORE_TO and nxt == "to":
            j += 1
            skipped = "to"
        else:
            break
        j += 1
    return j, skipped
