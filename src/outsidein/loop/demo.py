"""Demo content of the loop: suggestions raised from the demo highlights (repeats joined), at every status, with
the messages that told their raisers; replies Maya still owes; thank-yous after recent conversations; the finished
pilot's customers invited and told the result; one brainstorm board with customers' ideas and dot votes.

The demo is history: messages are drafted by the product's own services and then dated when they went out, as the
outbox of a team that has worked this way for months would show. Nothing is sent while the demo is built.
"""

from datetime import datetime, timedelta
from typing import Any

from outsidein.conversations.models import Conversation, Highlight, Kind
from outsidein.customers.models import Person
from outsidein.initiatives.models import Initiative, Pilot
from outsidein.loop import brainstorms, joining, threads
from outsidein.loop.models import (
    Message,
    MessageStatus,
    Raiser,
    StatusChange,
    Suggestion,
    SuggestionStatus,
)
from outsidein.loop.telling import draft_pilot_invites, draft_pilot_results, draft_thanks
from outsidein.workspaces.models import User

# What became of the suggestions, by status: (outcome, next step).
OUTCOMES = {
    SuggestionStatus.CONSIDERING: ("", "Operations is costing it this month; we will tell you what we decide."),
    SuggestionStatus.PILOTING: ("", "A few customers try it first; we tell you how it went when the pilot ends."),
    SuggestionStatus.DONE: ("It is live for every account since last week: you will find it in the tracking screen.",
                            "Tell us if it does not work the way you need it."),
    SuggestionStatus.NOT_DOING: ("We looked hard at it, but the carriers' contracts do not allow it this year; we "
                                 "would rather say so than keep you waiting.",
                                 "We will look again when the contracts are renewed in the spring."),
}
PATH_TO = {
    SuggestionStatus.HEARD: [],
    SuggestionStatus.CONSIDERING: [SuggestionStatus.CONSIDERING],
    SuggestionStatus.PILOTING: [SuggestionStatus.CONSIDERING, SuggestionStatus.PILOTING],
    SuggestionStatus.DONE: [SuggestionStatus.CONSIDERING, SuggestionStatus.DONE],
    SuggestionStatus.NOT_DOING: [SuggestionStatus.CONSIDERING, SuggestionStatus.NOT_DOING],
}
# Of every six threads: two heard (Maya's heard ones are her owed replies), one of each other status.
STATUS_CYCLE = [SuggestionStatus.HEARD, SuggestionStatus.CONSIDERING, SuggestionStatus.DONE, SuggestionStatus.HEARD,
                SuggestionStatus.NOT_DOING, SuggestionStatus.PILOTING]
RAISED_FROM = ("suggestion", "idea", "pain")
# How like an initiative a thread must be to be linked to it (joining.rank's score).
LINKED_LIKENESS = 0.2
# The most recent highlights of those kinds are raised (the same words heard at many accounts join one thread).
MAX_RAISED = 400

# group, text, by a customer (index among the board's persons) or the team (None)
BOARD_IDEAS = [
    ("Before the truck arrives", "A text 30 minutes before the truck reaches the dock", 0),
    ("Before the truck arrives", "Show the driver's live position on a map", 1),
    ("Before the truck arrives", "Warn us the evening before if tomorrow's load is at risk", None),
    ("At the dock", "Let the driver check in with a QR code at the gate", 1),
    ("At the dock", "Photos of the pallets attached to the proof of delivery", 0),
    ("After delivery", "One monthly invoice instead of one per load", 0),
    ("After delivery", "A short call after a late load to say what went wrong", None),
]


def _sent(messages: list[Message], at: datetime, by: User | None) -> None:
    """Mark drafts as the messages that went out at ``at`` (demo history; nothing is mailed)."""
    for message in messages:
        if message.status != MessageStatus.DRAFT or not message.person.email:
            continue
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=at, sent_by=by,
                                                     email=message.person.email, created_at=at)


def _raise_threads(ctx: Any) -> list[Suggestion]:
    maya = ctx.leaders[0]
    highlights = sorted((h for h in ctx.highlights if h.kind in RAISED_FROM and h.person_id is not None),
                        key=lambda h: (h.created_at, h.pk))
    suggestions: list[Suggestion] = []
    # Maya owns three threads in five, so her list holds every status (and her owed replies).
    others = ctx.leaders[1:3] or [maya]
    owners = [maya, others[0], maya, others[-1], maya]
    for highlight in highlights[-MAX_RAISED:]:
        highlight = Highlight.objects.select_related("conversation", "person").get(pk=highlight.pk)
        user = highlight.conversation.led_by or maya
        owner = owners[len(suggestions) % len(owners)]
        raised = threads.raise_from_highlight(highlight, user, owner=owner, join=True)
        # The demo's customers repeat themselves word for word across visits; a thread keeps the first time.
        if raised.joined and raised.suggestion.raisers.filter(person=highlight.person, words=highlight.text).exclude(
                pk=raised.raiser.pk).exists():
            raised.raiser.delete()
            continue
        Suggestion.objects.filter(pk=raised.suggestion.pk, created_at__gt=raised.raiser.said_at).update(
            created_at=raised.raiser.said_at)
        Raiser.objects.filter(pk=raised.raiser.pk).update(added_at=raised.raiser.said_at)
        if not raised.joined:
            StatusChange.objects.filter(suggestion=raised.suggestion).update(changed_at=raised.raiser.said_at)
            suggestions.append(raised.suggestion)
    return suggestions


def _initiative_for(suggestion: Suggestion, initiatives: list[Initiative]) -> Initiative | None:
    """The demo initiative that tries out what a thread asks for, if one is like it."""
    ranked = joining.rank(suggestion.title, [(i, f"{i.name}\n{i.pain_statement}") for i in initiatives])
    return ranked[0].suggestion if ranked and ranked[0].score >= LINKED_LIKENESS else None


def _move(ctx: Any, suggestions: list[Suggestion], pilot: Pilot | None) -> None:
    initiatives = list(Initiative.objects.filter(workspace=ctx.workspace).order_by("pk"))
    piloted = None
    if pilot is not None:  # the thread the finished pilot tries out
        ranked = joining.rank(f"{pilot.initiative.name}\n{pilot.initiative.pain_statement}\n{pilot.change}",
                              [(s, s.title) for s in suggestions])
        piloted = ranked[0].suggestion if ranked else None
    for index, suggestion in enumerate(suggestions):
        target = STATUS_CYCLE[index % len(STATUS_CYCLE)]
        initiative = _initiative_for(suggestion, initiatives)
        if suggestion == piloted and pilot is not None:
            target, initiative = SuggestionStatus.PILOTING, pilot.initiative
        if target == SuggestionStatus.PILOTING and initiative is None:
            target = SuggestionStatus.CONSIDERING
        suggestion.refresh_from_db()
        first_said = suggestion.raisers.order_by("said_at").values_list("said_at", flat=True).first()
        moment = max(first_said or ctx.now, ctx.now - timedelta(days=60)) + timedelta(days=3)
        if initiative is not None:
            suggestion.initiative = initiative
            if pilot is not None and pilot.initiative_id == initiative.pk and target == SuggestionStatus.PILOTING:
                suggestion.pilot = pilot
            suggestion.save(update_fields=["pilot", "initiative"])
        for step in PATH_TO[target]:
            outcome, next_step = OUTCOMES[step]
            moment = min(moment + timedelta(days=ctx.rng.randint(4, 12)), ctx.now - timedelta(hours=2))
            change = threads.change_status(suggestion, suggestion.owner, step, outcome=outcome or None,
                                           next_step=next_step)
            StatusChange.objects.filter(pk=change.pk).update(changed_at=moment)
            Suggestion.objects.filter(pk=suggestion.pk).update(status_changed_at=moment)
            drafts = list(change.messages.select_related("person"))
            # The latest move of one thread in four still waits in the owner's drafts.
            if step == PATH_TO[target][-1] and index % 4 == 1:
                continue
            _sent(drafts, moment + timedelta(hours=5), suggestion.owner)


def _thank(ctx: Any) -> None:
    for leader in ctx.leaders[:3]:
        recent = (Conversation.objects.filter(workspace=ctx.workspace, led_by=leader, occurred_at__lt=ctx.now)
                  .prefetch_related("persons").order_by("-occurred_at")[:6])
        for conversation in list(recent)[1::2]:
            for person in conversation.persons.all()[:1]:
                if person.email:
                    _sent([draft_thanks(conversation, person, leader)], conversation.occurred_at + timedelta(hours=3),
                          leader)


def _pilot_told(ctx: Any) -> Pilot | None:
    pilot = (Pilot.objects.filter(workspace=ctx.workspace).exclude(decision="").select_related("initiative")
             .order_by("pk").first())
    if pilot is None:
        return None
    sponsor = pilot.initiative.sponsor
    start = datetime.combine(pilot.pilot_start, datetime.min.time(), tzinfo=ctx.now.tzinfo) - timedelta(days=3)
    _sent(draft_pilot_invites(pilot, sponsor), start, sponsor)
    # Told once the sponsor decided (the demo pilot is decided as the demo is built).
    _sent(draft_pilot_results(pilot, sponsor), max(pilot.decided_at or ctx.now, ctx.now), sponsor)
    return pilot


def _board(ctx: Any) -> None:
    maya = ctx.leaders[0]
    candidates = (Conversation.objects.filter(workspace=ctx.workspace, kind=Kind.BRAINSTORM, occurred_at__lt=ctx.now)
                  .order_by("-occurred_at"))
    conversation = next((c for c in candidates[:20] if c.account_id), None)
    if conversation is None or conversation.account_id is None:
        return
    guests = list(Person.objects.filter(account_id=conversation.account_id, email__gt="").order_by("pk")[:3])
    if len(guests) < 2:
        return
    conversation.persons.add(*guests)
    conversation.members.add(maya)
    team = list(conversation.members.all())
    cards = []
    for group, text, by in BOARD_IDEAS:
        person = guests[by % len(guests)] if by is not None else None
        cards.append(brainstorms.add_idea(conversation, text, group=group, person=person,
                                          member=None if person else maya))
    # Dots: each customer and member places theirs on what matters most to them.
    for voter_index, person in enumerate(guests):
        for card in (cards[0], cards[3 + voter_index % 2], cards[5]):
            brainstorms.place_dot(card, person=person)
    for member in team[:3]:
        for card in (cards[0], cards[2]):
            brainstorms.place_dot(card, member=member)
    brainstorms.to_suggestion(cards[0], maya)


def build(ctx: Any) -> None:
    pilot = _pilot_told(ctx)
    suggestions = _raise_threads(ctx)
    _move(ctx, suggestions, pilot)
    _thank(ctx)
    _board(ctx)
