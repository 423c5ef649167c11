"""Demo interview guides, with questions ticked and answered in some of the demo conversations."""

from outsidein.conversations.models import Highlight
from outsidein.guides import services
from outsidein.guides.models import AskedQuestion, GuidePurpose

GUIDES = [
    ("Late loads: discovery", GuidePurpose.DISCOVERY, "How shippers find out about late loads, and what it costs them.", [
        "Tell me about the last time a load arrived late.",
        "How did you find out it was late?",
        "What did it cost you the last time it happened?",
        "What have you tried so far to solve this?",
        "Why did you do it that way?",
        "What happened next?",
    ]),
    ("Carrier payments: solution feedback", GuidePurpose.SOLUTION_FEEDBACK, "Reactions to the fast-pay prototype.", [
        "What is going through your mind as you look at this?",
        "Would you use this if we built it?",
        "How much would you pay for payment in five days?",
        "What is missing for this to work in your day?",
    ]),
    ("Quarterly account visit", GuidePurpose.ACCOUNT_VISIT, "For leaders visiting a key account with its account manager.", [
        "Tell me about your role.",
        "What changed in your business since we last met?",
        "Don't you think our new tracking screen is much better?",
        "Walk me through the last time you had to escalate something to us.",
    ]),
]


def build(ctx) -> None:
    services.seed_question_bank(ctx.workspace)
    guides = []
    for title, purpose, description, questions in GUIDES:
        guide = services.save_guide(ctx.workspace, ctx.leaders[0],
                                    {"title": title, "purpose": purpose, "description": description})
        for text in questions:
            services.add_question(guide, text=text)
        guides.append(guide)
    # Answers captured against the discovery guide in some recent conversations.
    discovery = list(guides[0].questions.all())
    recent = sorted(ctx.conversations, key=lambda c: c.occurred_at)[-40:]
    for conversation in ctx.rng.sample(recent, k=min(12, len(recent))):
        asked = ctx.rng.sample(discovery, k=ctx.rng.randint(2, len(discovery)))
        AskedQuestion.objects.bulk_create([
            AskedQuestion(workspace=ctx.workspace, conversation=conversation, question=q, asked_by=conversation.led_by)
            for q in asked
        ])
        for highlight in Highlight.objects.filter(conversation=conversation)[:len(asked)]:
            highlight.guide_question = ctx.rng.choice(asked)
            highlight.save(update_fields=["guide_question"])
