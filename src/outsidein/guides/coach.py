"""The question coach: finds the common mistakes in interview questions and proposes an open rewrite.

Good discovery questions are open and ask about specific past behaviour ("Tell me about the last time
you ...", "Why did you do it that way?"). The coach checks a question against eight rules (RULES); each
finding explains the problem, quoting the words that caused it, and suggests a rewrite in open,
past-specific form that reuses the question's own topic. A question with no findings is ok.

Input that is not a question gets a finding rather than an exception, so an editor or a file of
questions never stops on one bad line:
- "empty": the line is blank;
- "not_a_question": no question mark, no question word (What, How, Do...) and no request
  ("Tell me about", "Walk me through", "Describe").

Pure Python with no Django import: the guide editor, the API and the `coach` command all call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from outsidein.guides.coach_rewrite import Rewriter
from outsidein.guides.coach_rules import DETECTORS, Analysis

RULES: dict[str, str] = {
    "closed": "Can be answered with a plain yes or no.",
    "leading": "Suggests the answer the interviewer hopes to hear.",
    "hypothetical": "Asks about an imagined future or a would/could situation instead of what happened.",
    "opinion": "Asks for opinions of, or compliments about, our idea.",
    "pricing": "Asks what they would pay.",
    "compound": "Asks two questions in one.",
    "pitch": "Describes our product or solution, then asks.",
    "generic": "Asks about habits in general (usually, typically) instead of one specific past instance.",
}
# Checks on the input itself, reported like rules so that callers handle one kind of finding.
INPUT_CHECKS: dict[str, str] = {
    "empty": "The line is blank.",
    "not_a_question": "The line is a statement, not a question or a request to tell or describe.",
}

MESSAGES: dict[str, str] = {
    "closed": "\u201c{t}\u201d invites a plain yes or no, and the conversation stops there.",
    "leading": "\u201c{t}\u201d suggests the answer you hope for; people tend to agree to be polite.",
    "hypothetical": "\u201c{t}\u201d asks them to predict what they would do; people are poor predictors of "
    "their own future. Ask what they did the last time.",
    "opinion": "\u201c{t}\u201d asks for an opinion of the idea; opinions and compliments are not evidence of "
    "what people do.",
    "pricing": "\u201c{t}\u201d asks what they would pay; a stated price is not a commitment. Ask what the "
    "problem cost them and what they paid the last time.",
    "compound": "Two questions in one (the second starts at \u201c{t}\u201d); people answer only one of them.",
    "pitch": "Describes the solution first (\u201c{t}\u2026\u201d); the conversation turns into a pitch and the "
    "answers bend toward it. Keep the solution out until you understand the problem.",
    "generic": "\u201c{t}\u201d asks about habits in general; people describe an idealised routine. Ask about one "
    "specific, recent instance.",
    "empty": "The line is empty: there is no question to review.",
    "not_a_question": "This reads as a statement, not a question: it has no question mark and does not start "
    "with a question word (What, How, Why, ...) or a request such as \u201cTell me about\u201d, \u201cWalk me "
    "through\u201d or \u201cDescribe\u201d.",
}
COMPOUND_MARKS = "Asks two questions at once (two question marks); people answer only one of them."
STARTER = "Tell me about the last time you ran into this problem. What happened?"


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    suggestion: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message, "suggestion": self.suggestion}


@dataclass(frozen=True)
class Review:
    question: str
    ok: bool
    findings: tuple[Finding, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "ok": self.ok, "findings": [f.as_dict() for f in self.findings]}


def _quote(trigger: str, limit: int = 48) -> str:
    trigger = " ".join(trigger.split())
    return trigger if len(trigger) <= limit else trigger[: limit - 1].rstrip() + "\u2026"


def _message(rule: str, trigger: str, question: str) -> str:
    if rule == "compound" and trigger == "two question marks":
        return COMPOUND_MARKS
    # Quote the words as the interviewer typed them, not in the lower case the rules work in.
    at = question.lower().find(trigger.lower())
    quoted = question[at : at + len(trigger)] if at >= 0 else trigger
    return MESSAGES[rule].format(t=_quote(quoted))


def _detect(analysis: Analysis) -> list[tuple[str, str]]:
    """(rule, trigger) for every rule that applies, in the order of RULES."""
    found = []
    for rule, detector in DETECTORS.items():
        trigger = detector(analysis)
        if trigger:
            found.append((rule, trigger))
    return found


def _part_findings(text: str) -> list[tuple[str, str]]:
    """(rule, suggestion) for part of a question; lets a compound rewrite fix its first half too."""
    return [(f.rule, f.suggestion) for f in review_question(text).findings]


@lru_cache(maxsize=2048)
def review_question(text: str) -> Review:
    """Review one question. Never raises on text input: blank or non-question lines get a finding."""
    question = " ".join(str(text).split())
    if not question:
        return Review(question, False, (Finding("empty", MESSAGES["empty"], STARTER),))
    analysis = Analysis.of(question)
    rewriter = Rewriter(analysis, _part_findings)
    if not analysis.is_question:
        not_asked = [Finding("not_a_question", MESSAGES["not_a_question"], rewriter.suggest("closed"))]
        trigger = DETECTORS["pitch"](analysis)
        if trigger:
            not_asked.append(Finding("pitch", _message("pitch", trigger, question), rewriter.suggest("pitch")))
        return Review(question, False, tuple(not_asked))
    findings = tuple(
        Finding(rule, _message(rule, trigger, question), rewriter.suggest(rule))
        for rule, trigger in _detect(analysis)
    )
    return Review(question, not findings, findings)


def review_questions(lines: Iterable[str]) -> list[Review]:
    """One review per line, blank lines included (they get the "empty" finding)."""
    return [review_question(line.rstrip("\r\n")) for line in lines]


ADVICE: dict[str, str] = {
    "closed": "{n} of {total} questions can be answered with yes or no: start them with What, How, Why or "
    "\u201cTell me about\u201d.",
    "leading": "{n} of {total} questions suggest their answer: drop loaded words and endings such as "
    "\u201cright?\u201d or \u201cdon't you think\u201d.",
    "hypothetical": "{n} of {total} questions ask about an imagined future: ask what people did the last time, "
    "not what they would do.",
    "opinion": "{n} of {total} questions ask for opinions of the idea: ask about the problem and what people "
    "did about it.",
    "pricing": "{n} of {total} questions ask what people would pay: ask what the problem cost them and what "
    "they paid for other fixes.",
    "compound": "{n} of {total} questions ask two things at once: split them and ask one at a time.",
    "pitch": "{n} of {total} questions describe the solution before asking: keep it out of the conversation "
    "until you understand the problem.",
    "generic": "{n} of {total} questions ask about habits in general: ask for one specific, recent instance.",
    "empty": "{n} of {total} entries are blank: remove them.",
    "not_a_question": "{n} of {total} entries are statements: turn them into questions or notes for the "
    "interviewer.",
}
PAST_SPECIFIC = ("last time", "last ", "yesterday", "recent", "a time ", "when did", "tell me about the")


@dataclass(frozen=True)
class GuideScore:
    """How well a guide's questions follow the coach, and what to fix first."""

    reviews: tuple[Review, ...]
    ok_share: float  # 0..1; 0 for a guide without questions
    rule_counts: Mapping[str, int] = field(default_factory=dict)  # every rule id, zero when unused
    advice: tuple[str, ...] = ()

    @property
    def question_count(self) -> int:
        return len(self.reviews)

    @property
    def ok_count(self) -> int:
        return sum(r.ok for r in self.reviews)

    @property
    def percent(self) -> int:
        return round(100 * self.ok_share)

    def as_dict(self) -> dict[str, Any]:
        return {
            "question_count": self.question_count,
            "ok_count": self.ok_count,
            "ok_share": self.ok_share,
            "rule_counts": dict(self.rule_counts),
            "advice": list(self.advice),
            "reviews": [r.as_dict() for r in self.reviews],
        }


def score_guide(questions: Sequence[str]) -> GuideScore:
    """Score a guide: the share of ok questions, findings per rule and advice for the guide as a whole.

    reviews has one review per entry, in order (so callers can pair them with their questions); a blank
    entry gets the "empty" finding and counts as not ok.
    """
    reviews = tuple(review_question(q or "") for q in questions)
    total = len(reviews)
    counts: Counter[str] = Counter(f.rule for r in reviews for f in r.findings)
    rule_counts = {rule: counts.get(rule, 0) for rule in (*RULES, *INPUT_CHECKS)}
    if not total:
        return GuideScore((), 0.0, rule_counts, (
            "Add a few open questions, starting with one about the last time the problem happened.",
        ))
    ok_share = sum(r.ok for r in reviews) / total
    advice = [
        ADVICE[rule].format(n=n, total=total)
        for rule, n in sorted(counts.items(), key=lambda item: (-item[1], list(rule_counts).index(item[0])))
    ][:3]
    if not any(any(m in r.question.lower() for m in PAST_SPECIFIC) for r in reviews):
        advice.append("No question asks about one specific past instance: add \u201cTell me about the last "
                      "time \u2026\u201d.")
    if total > 15:
        advice.append(f"The guide has {total} questions; a 30-minute conversation rarely covers more than 10 "
                      "to 12: keep the ones that matter most.")
    if ok_share == 1.0 and len(advice) == 0:
        advice.append("All questions are open; in the conversation, keep following up with \u201cWhy?\u201d and "
                      "\u201cWhat happened next?\u201d.")
    return GuideScore(reviews, ok_share, rule_counts, tuple(advice))
