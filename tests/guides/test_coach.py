"""The question coach: each rule on questions it should and should not flag, the JSON shape, input that
is not a question, guide scores, and quality on the labelled set in tests/guides/data/coach_labelled.csv."""

import csv
import json
from pathlib import Path

import pytest

from outsidein.guides.coach import INPUT_CHECKS, RULES, Finding, Review, review_question, review_questions, score_guide

LABELLED = Path(__file__).parent / "data" / "coach_labelled.csv"

# Good open questions about specific past behaviour: no rule may fire on them.
GOOD = [
    "Tell me about the last time you renewed a supplier contract.",
    "Why did you do it that way?",
    "What was the outcome you were hoping for?",
    "How does that help you do your job?",
    "What happened next?",
    "Walk me through how you booked the last delivery slot.",
    "What did you try before?",
    "Could you walk me through the last refund you issued?",
    "Can you tell me about the last time the till crashed?",
    "Describe the last handover you did on the ward.",
    "How did you decide which carrier to use for the Lyon order?",
    "What happened when the driver could not find the address?",
    "How much did the outage end up costing the team?",
    "Who did you call first when the payment bounced?",
    "Tell me about the last time you asked IT for help. What happened?",
]


def rules_of(question: str) -> set[str]:
    return set(review_question(question).rules)


POSITIVE = {
    "closed": [
        "Do you export the data every Friday?",
        "Did the courier arrive on time?",
        "Is the approval done by your manager?",
        "Have you spoken to the finance team about it?",
        "Can your nurses see the schedule on their phones?",
        "So you keep the invoices in a shared folder?",
        "Was the new form easier to fill in?",
    ],
    "leading": [
        "Don't you think the checkout is too slow?",
        "Wouldn't you agree that the reports are confusing?",
        "Isn't it annoying when the app logs you out?",
        "The old portal was terrible, wasn't it?",
        "How frustrating is it to wait for a refund?",
        "You hate filling in timesheets, right?",
        "Why is the current booking tool so painful?",
    ],
    "hypothetical": [
        "Would you use an app that books your shifts?",
        "What would you do if the warehouse closed for a week?",
        "If we added a chat button, would you contact us more?",
        "Imagine you could see every order on one screen. How would that change things?",
        "How likely are you to switch banks this year?",
        "What features would you want in a new rota tool?",
        "Will you renew the licence next year?",
    ],
    "opinion": [
        "What do you think of our new onboarding flow?",
        "Do you like the new dashboard?",
        "How do you feel about our idea for instant refunds?",
        "Is this feature useful to you?",
        "Which of these two designs do you prefer?",
        "What's your opinion of our mobile app?",
        "How would you rate our support team?",
    ],
    "pricing": [
        "How much would you pay for a tool like this?",
        "Would you pay ten euros a month for faster payouts?",
        "What is a fair price for same-day delivery?",
        "How much is live tracking worth to you?",
        "What budget do you have for a new rota system?",
        "Is forty dollars per user too expensive?",
        "Would you be willing to pay extra for priority support?",
    ],
    "compound": [
        "How do you plan the routes and who approves them?",
        "When did the outage start? How long did it last?",
        "Did you call support or did you fix it yourself?",
        "What tools do you use for payroll, and why did you choose them?",
        "What was the problem, who noticed it, and how was it fixed?",
        "What did the nurse do next and why?",
        "Do you track returns, and if so, how?",
    ],
    "pitch": [
        "We are building an app that matches invoices automatically. Would you use it?",
        "Our platform shows stock levels across all stores. How would that help you?",
        "This feature lets you approve expenses from your phone. What do you think?",
        "We've developed a tool that predicts late shipments, would that be useful?",
        "With our app you can split bills instantly. When did you last split a bill?",
        "Our new portal lets patients book their own appointments; how would your staff react?",
        "We help retailers cut returns by a third. How many returns did you process last month?",
    ],
    "generic": [
        "What do you usually do when a shipment is late?",
        "How do you typically onboard a new client?",
        "In general, how do patients book appointments?",
        "Have you ever had a card payment declined?",
        "How often do you reconcile the accounts?",
        "What does a typical day look like for you?",
        "Walk me through a typical month-end close.",
    ],
}

# For each rule, questions that must not trigger it: good questions and questions with other problems.
NEGATIVE = {
    "closed": [
        "How does that help you do your job?",
        "Could you walk me through the last audit?",
        "What would you do if the system went down?",
        "Tell me about the last time you exported the data.",
    ],
    "leading": [
        "What was the most frustrating part of the last rollout?",
        "Do you like the new dashboard?",
        "How did you feel when the supplier missed the deadline?",
        "Why do you think the shipment was delayed?",
    ],
    "hypothetical": [
        "How did you tell the customer their order would be late?",
        "What did you expect to happen?",
        "Could you tell me about the last time the printer jammed?",
        "What happened when you could not log in?",
    ],
    "opinion": [
        "What did you think when you saw the invoice?",
        "Was the report you got last week useful?",
        "What got you interested in the loyalty programme?",
        "Who else should I talk to about this?",
    ],
    "pricing": [
        "How much did the late payment end up costing you?",
        "Why was that workaround worth the extra effort?",
        "Walk me through how you requested budget approval for the campaign.",
        "How did you decide what to pay the new supplier?",
    ],
    "compound": [
        "Tell me about the last time you returned a parcel. What happened?",
        "Do you use Excel or Google Sheets for the rota?",
        "When the new store opens, will you shop there?",
        "Who was with you when you picked out the sofa?",
    ],
    "pitch": [
        "What did our support team do when you called?",
        "What do you think of our new onboarding flow?",
        "If you think back to the last audit, what went wrong?",
        "We talked about the audit last month: what happened after that?",
    ],
    "generic": [
        "Tell me about the last time you paid a supplier late.",
        "What happened every time the scanner failed last week?",
        "How did you find out the order had been cancelled?",
        "Why did you stop using the mobile app?",
    ],
}


@pytest.mark.parametrize("question", GOOD)
def test_good_open_questions_are_ok(question):
    review = review_question(question)
    assert review.ok, [f.rule for f in review.findings]
    assert review.findings == ()


@pytest.mark.parametrize(("rule", "question"), [(r, q) for r, qs in POSITIVE.items() for q in qs])
def test_rule_fires_on_its_mistake(rule, question):
    review = review_question(question)
    assert rule in review.rules
    assert not review.ok


@pytest.mark.parametrize(("rule", "question"), [(r, q) for r, qs in NEGATIVE.items() for q in qs])
def test_rule_stays_quiet_when_the_mistake_is_absent(rule, question):
    assert rule not in rules_of(question)


def test_rules_are_the_eight_fixed_ids_with_descriptions():
    assert list(RULES) == ["closed", "leading", "hypothetical", "opinion", "pricing", "compound", "pitch", "generic"]
    assert all(description.strip() for description in RULES.values())
    assert set(INPUT_CHECKS) == {"empty", "not_a_question"}


def test_question_with_several_mistakes_gets_each_finding():
    review = review_question("We built a delivery tracker. Would you pay 20 euros a month for it?")
    assert {"pitch", "hypothetical", "pricing", "closed"} <= set(review.rules)


def test_finding_explains_with_the_words_used_and_suggests_an_open_past_question():
    review = review_question("Don't you think the Checkout takes too long?")
    leading = next(f for f in review.findings if f.rule == "leading")
    assert "Don't you think" in leading.message
    assert leading.suggestion.startswith("Tell me about the last time")
    assert "checkout" in leading.suggestion.lower()


@pytest.mark.parametrize(("question", "topic"), [
    ("Do you like our dashboard?", "dashboard"),
    ("Do you use spreadsheets to track your pipeline?", "spreadsheets to track your pipeline"),
    ("How much would you pay for same-day delivery?", "same-day delivery"),
    ("Would your nurses use a tablet at the bedside?", "tablet at the bedside"),
    ("How do you typically onboard a new client?", "new client"),
    ("How often do you reconcile your accounts?", "reconcile your accounts"),
    ("We built an app that predicts late shipments. Would you use it?", "late shipments"),
])
def test_suggestions_reuse_the_topic_of_the_question(question, topic):
    for finding in review_question(question).findings:
        assert topic in finding.suggestion, finding


def test_compound_suggestion_keeps_the_first_question():
    review = review_question("Who was in the meeting and what did they decide?")
    assert review.findings[0].suggestion == "Who was in the meeting?"


def test_pitch_suggestion_keeps_a_good_question_without_the_pitch():
    review = review_question("Our solution halves route planning time. When did you last plan routes by hand?")
    assert [f.rule for f in review.findings] == ["pitch"]
    assert review.findings[0].suggestion == "When did you last plan routes by hand?"


def test_as_dict_has_exactly_the_documented_shape():
    data = review_question("Would you use this?").as_dict()
    assert set(data) == {"question", "ok", "findings"}
    assert data["question"] == "Would you use this?"
    assert data["ok"] is False
    assert data["findings"]
    for finding in data["findings"]:
        assert set(finding) == {"rule", "message", "suggestion"}
        assert all(isinstance(v, str) and v for v in finding.values())
    assert json.loads(json.dumps(data)) == data


def test_ok_question_serialises_with_no_findings():
    assert review_question("What happened next?").as_dict() == {
        "question": "What happened next?", "ok": True, "findings": []}


def test_review_is_frozen():
    review = review_question("What happened next?")
    with pytest.raises(AttributeError):
        review.ok = False  # type: ignore[misc]
    assert isinstance(review, Review)
    assert Finding("closed", "m", "s").as_dict() == {"rule": "closed", "message": "m", "suggestion": "s"}


@pytest.mark.parametrize("blank", ["", "   ", "\t", "\n"])
def test_blank_input_gets_the_empty_finding(blank):
    review = review_question(blank)
    assert not review.ok
    assert review.rules == ("empty",)
    assert review.findings[0].message
    assert review_question(review.findings[0].suggestion).ok


@pytest.mark.parametrize("statement", [
    "Our dashboard is great.",
    "Customer onboarding",
    "The delivery was late again",
    "pricing",
])
def test_statement_gets_not_a_question(statement):
    review = review_question(statement)
    assert not review.ok
    assert review.rules[0] == "not_a_question"
    assert "question" in review.findings[0].message


@pytest.mark.parametrize("request_without_question_mark", [
    "Tell me more about that",
    "walk me through the last stock count",
    "what happened next",
])
def test_requests_and_questions_without_a_question_mark_are_still_questions(request_without_question_mark):
    assert "not_a_question" not in rules_of(request_without_question_mark)


@pytest.mark.parametrize("odd", ["???", "?", "...", "\u2014", "\U0001f600?", "a" * 5000, "Why? " * 300, "1234",
                                 "Do you ' like \" it ?!", "\u00bfQu\u00e9 pas\u00f3 despu\u00e9s?"])
def test_odd_input_never_raises(odd):
    review = review_question(odd)
    assert isinstance(review.ok, bool)
    json.dumps(review.as_dict())


def test_review_questions_keeps_one_review_per_line_in_order():
    lines = ["What happened next?\n", "\n", "Do you like it?\r\n"]
    reviews = review_questions(lines)
    assert [r.question for r in reviews] == ["What happened next?", "", "Do you like it?"]
    assert [r.ok for r in reviews] == [True, False, False]
    assert reviews[1].rules == ("empty",)


def test_score_guide_share_counts_and_advice():
    score = score_guide([
        "Tell me about the last time you closed the books.",
        "Do you use Excel?",
        "Do you like our new app?",
        "What do you usually do when an invoice is late?",
    ])
    assert score.question_count == 4
    assert score.ok_count == 1
    assert score.ok_share == pytest.approx(0.25)
    assert score.percent == 25
    assert score.rule_counts["closed"] == 2
    assert score.rule_counts["pricing"] == 0
    assert set(RULES) <= set(score.rule_counts)
    assert score.advice and "yes or no" in score.advice[0]
    data = score.as_dict()
    assert data["reviews"][0]["ok"] is True
    json.dumps(data)


def test_score_guide_pairs_one_review_with_each_entry_even_blank_ones():
    score = score_guide(["What happened next?", "", "Why did you do it that way?"])
    assert [r.rules for r in score.reviews] == [(), ("empty",), ()]
    assert score.ok_count == 2


def test_score_of_a_guide_without_past_specific_questions_says_so():
    score = score_guide(["Why does that matter to you?", "How does that help you do your job?"])
    assert score.ok_share == 1.0
    assert any("specific past instance" in a for a in score.advice)


def test_empty_guide_scores_zero_with_advice():
    score = score_guide([])
    assert score.ok_share == 0.0
    assert score.question_count == 0
    assert score.advice


# ---- the labelled set ------------------------------------------------------------------------------------

def labelled() -> list[dict[str, str]]:
    with LABELLED.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_labelled_set_is_large_varied_and_consistent():
    rows = labelled()
    assert len(rows) >= 220
    assert len({r["question"] for r in rows}) == len(rows)
    ok_share = sum(r["ok"] == "1" for r in rows) / len(rows)
    assert 0.35 <= ok_share <= 0.5
    per_rule = {rule: 0 for rule in RULES}
    for row in rows:
        rules = [x for x in row["rules"].split(";") if x]
        assert (row["ok"] == "1") == (not rules), row
        for rule in rules:
            per_rule[rule] += 1
    assert min(per_rule.values()) >= 15, per_rule


def test_labelled_set_accuracy_and_recall_per_rule():
    # Measured when the set was last extended: accuracy 1.00 and recall >= 0.97 for every rule (bench/coach.py
    # prints the figures). The floors leave a margin for changes that trade one example for generality.
    rows = labelled()
    correct = 0
    hits = {rule: 0 for rule in RULES}
    totals = {rule: 0 for rule in RULES}
    for row in rows:
        review = review_question(row["question"])
        correct += review.ok == (row["ok"] == "1")
        for rule in filter(None, row["rules"].split(";")):
            totals[rule] += 1
            hits[rule] += rule in review.rules
    assert correct / len(rows) >= 0.95
    recall = {rule: hits[rule] / totals[rule] for rule in RULES}
    assert min(recall.values()) >= 0.90, recall
    assert sum(recall.values()) / len(recall) >= 0.95, recall


def test_suggestions_for_the_labelled_set_pass_the_coach():
    not_ok = []
    for row in labelled():
        for finding in review_question(row["question"]).findings:
            if not review_question(finding.suggestion).ok:
                not_ok.append((row["question"], finding.rule, finding.suggestion))
    assert not not_ok
