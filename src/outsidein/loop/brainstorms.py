"""Brainstorm boards: the ideas of a brainstorm conversation, grouped, with dot votes, and what each became.

A board belongs to a conversation of kind brainstorm; any other conversation has none (404). Its participants are
the workspace's members and the customers among the conversation's persons, who reach it through their private
link. Each participant has ``DOTS`` dots per board, at most one per idea. An idea turns into a suggestion (raised
by the customer whose idea it was), an assumption or an initiative, and keeps what it became.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.http import Http404

from outsidein.conversations.models import Conversation, Kind
from outsidein.core.scoping import get_scoped, scoped
from outsidein.customers.models import Person
from outsidein.initiatives import services as initiative_services
from outsidein.initiatives.models import Initiative
from outsidein.learning import services as learning_services
from outsidein.learning.models import Assumption
from outsidein.loop import threads
from outsidein.loop.models import Idea, RaisedVia, Suggestion, SuggestionKind, Vote
from outsidein.workspaces.models import Membership, User, Workspace

DOTS = 3  # dots each participant places on one board
# A customer's ideas on one board: far more than a session yields, few enough that a leaked link cannot flood it.
IDEAS_PER_CUSTOMER = 30
UNGROUPED = ""
INTO = ("suggestion", "assumption", "initiative")
NAME_LENGTH = Initiative._meta.get_field("name").max_length or 200
GROUP_LENGTH = Idea._meta.get_field("group").max_length or 80


# --- reads ------------------------------------------------------------------------------------------

def brainstorms(workspace: Workspace) -> models.QuerySet[Conversation]:
    """The workspace's brainstorm conversations, newest first, each with ``idea_count`` and ``vote_count``."""
    return (scoped(Conversation, workspace).filter(kind=Kind.BRAINSTORM).select_related("account")
            .annotate(idea_count=Count("ideas", distinct=True), vote_count=Count("ideas__votes", distinct=True))
            .order_by("-occurred_at", "-id"))


def board(workspace: Workspace, conversation_id: int) -> Conversation:
    """The brainstorm conversation whose board this is; 404 for any other conversation or workspace."""
    return get_scoped(Conversation.objects.select_related("account"), workspace, pk=conversation_id,
                      kind=Kind.BRAINSTORM)


def board_for_person(person: Person, conversation_id: int) -> Conversation:
    """A board as a customer reaches it: only a brainstorm they are among the persons of (else 404)."""
    return get_scoped(Conversation.objects.select_related("account"), person.workspace, pk=conversation_id,
                      kind=Kind.BRAINSTORM, persons=person)


def boards_for_person(person: Person) -> list[Conversation]:
    """The brainstorms a customer is invited to (among their persons), newest first: the list on their page."""
    return list(scoped(Conversation, person.workspace).filter(kind=Kind.BRAINSTORM, persons=person)
                .order_by("-occurred_at", "-id"))


def idea(workspace: Workspace, idea_id: int) -> Idea:
    """An idea on a board of this workspace (its conversation a brainstorm), else 404."""
    return get_scoped(Idea.objects.select_related("conversation", "person__account"), workspace, pk=idea_id,
                      conversation__kind=Kind.BRAINSTORM)


def idea_on_board(conversation: Conversation, idea_id: int) -> Idea:
    """An idea of this very board (a customer posts to their board only)."""
    try:
        return Idea.objects.select_related("conversation", "person__account").get(pk=idea_id,
                                                                                  conversation=conversation)
    except (Idea.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such idea on this board.") from exc


@dataclass
class Card:
    """One idea as the board shows it: its votes, whether the viewer voted for it, and (for members) who did."""

    idea: Idea
    votes: int
    mine: bool
    voters: list[str] = field(default_factory=list)


@dataclass
class Group:
    label: str
    cards: list[Card]

    @property
    def votes(self) -> int:
        return sum(card.votes for card in self.cards)


@dataclass
class Board:
    conversation: Conversation
    groups: list[Group]
    dots_left: int
    labels: list[str]  # the group labels in use, for the grouping field's suggestions

    @property
    def idea_count(self) -> int:
        return sum(len(g.cards) for g in self.groups)

    @property
    def dot_marks(self) -> list[bool]:
        """One mark per dot, True where it is placed: the row of dots above the board."""
        return [index >= self.dots_left for index in range(DOTS)]


def _voter_filter(member: User | None, person: Person | None) -> Q:
    if (member is None) == (person is None):
        raise ValueError("A vote is a member's or a customer's.")
    return Q(member=member) if member is not None else Q(person=person)


def _voter_name(vote: Vote) -> str:
    if vote.person is not None:
        return vote.person.name
    return vote.member.name or vote.member.email if vote.member is not None else ""


def dots_used(conversation: Conversation, *, member: User | None = None, person: Person | None = None) -> int:
    return Vote.objects.filter(_voter_filter(member, person), idea__conversation=conversation).count()


def read_board(conversation: Conversation, *, member: User | None = None, person: Person | None = None,
               with_voters: bool = False) -> Board:
    """The board as the participant sees it: groups ordered by their total votes (ungrouped ideas last), cards in
    a group by votes. Votes are counted in one aggregate query; voters' names are read only when asked for."""
    ideas = list(Idea.objects.filter(conversation=conversation)
                 .select_related("person", "member", "suggestion", "assumption", "initiative"))
    counts = dict(Vote.objects.filter(idea__conversation=conversation).values("idea_id")
                  .annotate(n=Count("id")).values_list("idea_id", "n"))
    voter = _voter_filter(member, person)
    mine = set(Vote.objects.filter(voter, idea__conversation=conversation).values_list("idea_id", flat=True))
    names: dict[int, list[str]] = defaultdict(list)
    if with_voters:
        for vote in Vote.objects.filter(idea__conversation=conversation).select_related("person", "member"):
            names[vote.idea_id].append(_voter_name(vote))
    by_label: dict[str, list[Card]] = defaultdict(list)
    for row in ideas:
        by_label[row.group].append(Card(row, counts.get(row.pk, 0), row.pk in mine, sorted(names[row.pk])))
    groups = [Group(label, sorted(cards, key=lambda c: (-c.votes, c.idea.created_at, c.idea.pk)))
              for label, cards in by_label.items()]
    groups.sort(key=lambda g: (g.label == UNGROUPED, -g.votes, g.label.lower()))
    labels = sorted((g.label for g in groups if g.label != UNGROUPED), key=str.lower)
    return Board(conversation, groups, DOTS - len(mine), labels)


def read_card(card: Idea, *, member: User | None = None, person: Person | None = None) -> Card:
    """One idea with its votes and whether the participant's dot is on it (after a vote, say)."""
    counts = card.votes.aggregate(n=Count("id"), mine=Count("id", filter=_voter_filter(member, person)))
    return Card(card, counts["n"], counts["mine"] > 0)


def idea_voters(idea: Idea) -> list[Person]:
    """The customers who put a dot on the idea: shown beside the suggestion it became, as its supporters."""
    return list(Person.objects.filter(pk__in=Vote.objects.filter(idea=idea, person__isnull=False)
                                      .values("person_id")).order_by("name"))


# --- writes -----------------------------------------------------------------------------------------

def _check_participant(conversation: Conversation, member: User | None, person: Person | None) -> None:
    if member is not None and not Membership.objects.filter(workspace_id=conversation.workspace_id,
                                                            user=member).exists():
        raise ValidationError("Only members of this workspace take part as the team.")
    if person is not None and not conversation.persons.filter(pk=person.pk).exists():
        raise ValidationError({"person": "Only a customer who takes part in this brainstorm."})


def add_idea(conversation: Conversation, text: str, *, group: str = "", member: User | None = None,
             person: Person | None = None) -> Idea:
    """A new card: a customer's (``person``, among the brainstorm's persons) or a member's.

    A member typing a customer's idea for them passes the customer as ``person``: the idea is the customer's.
    """
    if conversation.kind != Kind.BRAINSTORM:
        raise Http404("Only a brainstorm has a board.")
    if member is not None and person is not None:
        member = None  # typed in for the customer: the idea is theirs, not the member's
    _check_participant(conversation, member, person)
    if person is not None and Idea.objects.filter(conversation=conversation, person=person).count() >= \
            IDEAS_PER_CUSTOMER:
        raise ValidationError(f"This board holds at most {IDEAS_PER_CUSTOMER} ideas from one person.")
    card = Idea(workspace_id=conversation.workspace_id, conversation=conversation, text=" ".join(text.split()),
                group=" ".join(group.split()), person=person, member=member)
    card.full_clean()
    card.save()
    return card


def set_group(card: Idea, group: str) -> Idea:
    """Put the card in a group (cards with the same label sit together); a blank label ungroups it."""
    label = " ".join(group.split())
    if len(label) > GROUP_LENGTH:
        raise ValidationError({"group": f"A group's name has at most {GROUP_LENGTH} characters."})
    card.group = label
    card.save(update_fields=["group"])
    return card


def place_dot(card: Idea, *, member: User | None = None, person: Person | None = None) -> Vote:
    """One of the participant's dots on the card; a second dot on the same card, or a fourth on the board, is
    refused with the reason."""
    conversation = card.conversation
    _check_participant(conversation, member, person)
    with transaction.atomic():
        # One participant's dots are counted and placed one at a time, so two quick clicks cannot both take the
        # last dot.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        voter = _voter_filter(member, person)
        if Vote.objects.filter(voter, idea=card).exists():
            raise ValidationError("You have already put a dot on this idea.")
        if dots_used(conversation, member=member, person=person) >= DOTS:
            raise ValidationError(f"You have placed all {DOTS} of your dots on this board: take one back to vote "
                                  "for this idea.")
        try:
            with transaction.atomic():
                return Vote.objects.create(workspace_id=card.workspace_id, idea=card, member=member, person=person)
        except IntegrityError as exc:  # the same dot, posted twice at once
            raise ValidationError("You have already put a dot on this idea.") from exc


def take_dot(card: Idea, *, member: User | None = None, person: Person | None = None) -> bool:
    """Take the participant's dot back from the card; False when there was none."""
    deleted, _ = Vote.objects.filter(_voter_filter(member, person), idea=card).delete()
    return deleted > 0


def toggle_dot(card: Idea, *, member: User | None = None, person: Person | None = None) -> bool:
    """Place a dot, or take it back if the participant's dot is there: True when the card now has it."""
    if take_dot(card, member=member, person=person):
        return False
    place_dot(card, member=member, person=person)
    return True


def _name_from(text: str) -> str:
    if len(text) <= NAME_LENGTH:
        return text
    return text[: NAME_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _not_yet(card: Idea, into: str) -> None:
    made = getattr(card, into)
    if made is not None:
        raise ValidationError(f"This idea already became the {into} “{made}”.")


@transaction.atomic
def to_suggestion(card: Idea, user: User, *, title: str = "") -> Suggestion:
    """The idea raised as a suggestion, in its author's words: the customer whose idea it was is its raiser (the
    customers who voted for it are read through the idea). A near-duplicate open suggestion is joined."""
    _not_yet(card, "suggestion")
    raised = threads.raise_suggestion(
        card.conversation.workspace, user, words=card.text, via=RaisedVia.BRAINSTORM, person=card.person,
        said_at=card.created_at, first_hand=True, title=title, kind=SuggestionKind.IDEA, idea=card)
    card.suggestion = raised.suggestion
    card.save(update_fields=["suggestion"])
    return raised.suggestion


@transaction.atomic
def to_assumption(card: Idea, user: User) -> Assumption:
    """The idea written down as an assumption to test; the suggestion it became, if any, links to it."""
    _not_yet(card, "assumption")
    assumption = learning_services.save_assumption(card.conversation.workspace, user, {"statement": card.text})
    card.assumption = assumption
    card.save(update_fields=["assumption"])
    if card.suggestion_id is not None:
        Suggestion.objects.filter(pk=card.suggestion_id, assumption__isnull=True).update(assumption=assumption)
    return assumption


@transaction.atomic
def to_initiative(card: Idea, user: User) -> Initiative:
    """The idea started as an initiative, its words the pain statement; the suggestion it became links to it."""
    _not_yet(card, "initiative")
    initiative = initiative_services.save_initiative(card.conversation.workspace, user, {
        "name": _name_from(card.text), "pain_statement": card.text})
    card.initiative = initiative
    card.save(update_fields=["initiative"])
    if card.suggestion_id is not None:
        Suggestion.objects.filter(pk=card.suggestion_id, initiative__isnull=True).update(initiative=initiative)
    return initiative


def convert(card: Idea, user: User, into: str, *, title: str = "") -> Suggestion | Assumption | Initiative:
    """Turn the idea into ``into`` (one of ``INTO``) and return what it became."""
    if into == "suggestion":
        return to_suggestion(card, user, title=title)
    if into == "assumption":
        return to_assumption(card, user)
    if into == "initiative":
        return to_initiative(card, user)
    raise ValidationError({"into": f"Choose one of {', '.join(INTO)}."})


def delete_idea(card: Idea) -> None:
    card.delete()


def persons_present(conversation: Conversation) -> Iterable[Person]:
    """The customers of the brainstorm, for whom a member may type an idea."""
    return conversation.persons.order_by("name")
