"""Demo data for leaders in the field: a coffee challenge six weeks in, host requests, reads of relayed
conversations, and a couple of planned conversations that just happened without notes."""

from datetime import timedelta

from outsidein.conversations.models import Conversation, Kind, Status
from outsidein.engagement import services
from outsidein.engagement.models import (
    ChallengeParticipant,
    ConversationRead,
    HostKind,
    HostRequest,
    ParticipantStatus,
)


def _by_title(users, word: str):
    return next(u for u in users if word in u.title)


def build(ctx) -> None:
    ws, now = ctx.workspace, ctx.now
    ceo = ctx.leaders[0]
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    starts_on = monday - timedelta(weeks=6)
    challenge = services.create_challenge(ws, ceo, {
        "name": "Coffee Challenge",
        "description": "How many coffees with customers this week? Two a week each, first-hand, until the end of "
                       "the quarter.",
        "starts_on": starts_on, "ends_on": starts_on + timedelta(weeks=12, days=-1), "weekly_target": 2,
    }, ctx.leaders[1:])
    entries = {e.user.title: e for e in ChallengeParticipant.objects.filter(challenge=challenge)
               .select_related("user")}
    for title, entry in entries.items():
        if entry.status != ParticipantStatus.INVITED:
            continue
        if title == "Chief Financial Officer":
            continue  # has not answered yet: the insulated leader
        accept = title != "GM Carrier Network"  # the GM declined: busy with the carrier network launch
        services.respond_to_invitation(entry, entry.user, accept=accept)
    ChallengeParticipant.objects.filter(challenge=challenge).update(responded_at=now - timedelta(weeks=6))
    _challenge_coffees(ctx, challenge)

    _keep_the_cfo_insulated(ctx)
    _host_requests(ctx)
    _reads(ctx)
    _just_happened(ctx, ceo)


COFFEE_NOTES = [
    "Coffee with {person}: they walked me through how they plan next week's loads.",
    "Coffee with {person}. Tracking updates arrive too late to re-plan the dock.",
    "Quick coffee with {person}; invoices still need a manual check against the rate sheet.",
    "Met {person} for coffee. They would try a shared exception board with their carriers.",
]


def _challenge_coffees(ctx, challenge) -> None:
    """The challenge worked: participants who accepted went out a little more each week since it started."""
    rng, now = ctx.rng, ctx.now
    accepted = [e.user for e in challenge.participants.filter(status=ParticipantStatus.ACCEPTED).select_related("user")]
    persons_by_account: dict[int, list] = {}
    for person in ctx.persons:
        persons_by_account.setdefault(person.account_id, []).append(person)
    for user in accepted:
        keen = 1 if user.pk == ctx.leaders[0].pk else 0
        for week in range(7):
            for _ in range(rng.choice([0, 1, 1, 2]) + keen):
                when = (now - timedelta(days=now.weekday()) + timedelta(weeks=week - 6, days=rng.randint(0, 4)))
                when = when.replace(hour=rng.choice([8, 9, 12, 16]), minute=rng.choice([0, 30]), second=0,
                                    microsecond=0)
                if when >= now:
                    continue
                account = rng.choice(ctx.accounts)
                person = rng.choice(persons_by_account.get(account.pk) or [None])
                notes = rng.choice(COFFEE_NOTES).format(person=person.name if person else "the team")
                conversation = Conversation.objects.create(
                    workspace=ctx.workspace, kind=Kind.COFFEE, status=Status.LOGGED, occurred_at=when,
                    duration_minutes=30, account=account, led_by=user, notes=notes, search_text=notes,
                    created_by=user, created_at=when)
                conversation.members.set([user])
                if person:
                    conversation.persons.set([person])
                ctx.conversations.append(conversation)


def _keep_the_cfo_insulated(ctx) -> None:
    """The story of the demo: the CFO has met no customer for seven weeks. Colleagues took him along at random
    in the generated conversations; in those weeks they went without him."""
    cfo = _by_title(ctx.leaders, "Financial")
    Conversation.members.through.objects.filter(
        user_id=cfo.pk, conversation__workspace=ctx.workspace, conversation__status=Status.LOGGED,
        conversation__occurred_at__gte=ctx.now - timedelta(weeks=7)).delete()
    account = max(ctx.accounts[:20], key=lambda a: a.annual_revenue or 0)
    when = (ctx.now - timedelta(weeks=7, days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    last = Conversation.objects.create(
        workspace=ctx.workspace, kind=Kind.CUSTOMER_VISIT, status=Status.LOGGED, occurred_at=when,
        duration_minutes=60, account=account, led_by=cfo, created_by=cfo, created_at=when,
        notes="Quarterly review at their head office: mostly about invoice disputes.",
        search_text="Quarterly review at their head office: mostly about invoice disputes.")
    last.members.set([cfo])


def _host_requests(ctx) -> None:
    ws, rng, now = ctx.workspace, ctx.rng, ctx.now
    ceo, cfo = ctx.leaders[0], _by_title(ctx.leaders, "Financial")
    account_manager = _by_title(ctx.members, "Account Manager")
    service_rep = _by_title(ctx.members, "Service Representative")
    sales_rep = _by_title(ctx.members, "Sales Representative")
    managed = [a for a in ctx.accounts if a.account_manager_id == account_manager.pk] or ctx.accounts
    big = max(managed, key=lambda a: a.annual_revenue or 0)

    def at(days: int, hour: int):
        return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)

    pending = services.request_host(ws, ceo, {
        "host": account_manager, "kind": HostKind.CUSTOMER_VISIT, "account": big, "proposed_at": at(9, 10),
        "note": "I would like to hear how they plan next year's volumes. Happy to move the date."}, notify=False)
    accepted = services.request_host(ws, ceo, {
        "host": service_rep, "kind": HostKind.SERVICE_SIDE_BY_SIDE, "proposed_at": at(4, 14),
        "duration_minutes": 120, "note": "Two hours on the phones with you, listening to late-load calls."},
        notify=False)
    services.answer_host_request(accepted, service_rep, accept=True,
                                 note="Tuesdays are busiest; bring a headset.", notify=False)
    services.request_host(ws, cfo, {
        "host": sales_rep, "kind": HostKind.SALES_SIT_IN, "account": rng.choice(ctx.accounts[:10]),
        "proposed_at": at(6, 11), "note": "I want to hear a pricing conversation first-hand."}, notify=False)
    declined = services.request_host(ws, cfo, {
        "host": account_manager, "kind": HostKind.CUSTOMER_VISIT, "account": big, "proposed_at": at(2, 9)},
        notify=False)
    services.answer_host_request(declined, account_manager, accept=False,
                                 note="They asked to postpone until January; I will propose a new date.",
                                 notify=False)
    HostRequest.objects.filter(pk=pending.pk).update(created_at=now - timedelta(days=1))


def _reads(ctx) -> None:
    """Leaders open colleagues' conversations: that is how relayed highlights reach them."""
    rng, now = ctx.rng, ctx.now
    recent = [c for c in ctx.conversations if c.occurred_at > now - timedelta(days=85)]
    present: dict[int, tuple[int, ...]] = dict.fromkeys((c.pk for c in recent), ())
    for conversation_id, user_id in Conversation.members.through.objects.filter(
            conversation_id__in=list(present)).values_list("conversation_id", "user_id"):
        present[conversation_id] = (*present[conversation_id], user_id)
    reads = []
    for leader in ctx.leaders:
        # The less a leader goes out, the more they rely on what others write down.
        share = 0.35 if "Financial" in leader.title else 0.12
        for conversation in recent:
            if leader.pk not in present[conversation.pk] and rng.random() < share:
                reads.append(ConversationRead(workspace=ctx.workspace, conversation=conversation, user=leader,
                                              read_at=conversation.occurred_at + timedelta(hours=rng.randint(2, 72))))
    ConversationRead.objects.bulk_create(reads, batch_size=500, ignore_conflicts=True)


def _just_happened(ctx, leader) -> None:
    """Two planned conversations whose time passed yesterday: the home page turns them into logged ones and
    asks for notes."""
    for days, kind in ((1, Kind.COFFEE), (2, Kind.SITE_VISIT)):
        account = ctx.rng.choice(ctx.accounts[:12])
        when = (ctx.now - timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
        conversation = Conversation.objects.create(
            workspace=ctx.workspace, kind=kind, status=Status.PLANNED, occurred_at=when, duration_minutes=45,
            account=account, led_by=leader, title=f"{Kind(kind).label} at {account.name}", created_by=leader)
        conversation.members.set([leader])
