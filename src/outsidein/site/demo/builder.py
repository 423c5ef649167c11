"""Build the demo workspace. Deterministic for a seed, so screenshots and tests see the same company.

Other areas add their own demo data by appending a function to ``DEMO_STEPS``; each receives the
``DemoContext`` with what was built before it.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from outsidein.conversations.models import Channel, Conversation, Highlight, Kind, Status, Tag
from outsidein.customers.models import Account, Competitor, Person, PersonRole, Product, Segment, Tier
from outsidein.feedback import rollups
from outsidein.feedback.signals import highlight_sentiment
from outsidein.site.demo import content
from outsidein.workspaces.models import Membership, User, Workspace


@dataclass
class DemoContext:
    workspace: Workspace
    rng: random.Random
    now: datetime
    leaders: list[User] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    activity: dict[int, int] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)
    accounts: list[Account] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    competitors: list[Competitor] = field(default_factory=list)
    conversations: list[Conversation] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)


DEMO_STEPS: list[Callable[[DemoContext], None]] = []


def demo_step(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
    DEMO_STEPS.append(func)
    return func


def _email(name: str) -> str:
    first, last = name.lower().split(" ", 1)
    return f"{first}.{last.replace(' ', '')}@northwind.example"


@demo_step
def people(ctx: DemoContext) -> None:
    time_zones = ["Europe/Berlin", "America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo"]
    # Hashing is deliberately slow; everyone shares the demo password, so hash it once.
    password = make_password(content.DEMO_PASSWORD)
    for index, (name, title, role, activity) in enumerate(content.LEADERS + content.MEMBERS + content.VIEWERS):
        user = User.objects.create(email=_email(name), password=password, name=name, title=title,
                                   time_zone=time_zones[index % len(time_zones)])
        Membership.objects.create(workspace=ctx.workspace, user=user, role=role)
        ctx.activity[user.pk] = activity
        (ctx.leaders if role in ("owner", "leader") else ctx.members).append(user)


@demo_step
def customers(ctx: DemoContext) -> None:
    rng, ws = ctx.rng, ctx.workspace
    for name, description in content.SEGMENTS:
        ctx.segments[name] = Segment.objects.create(workspace=ws, name=name, description=description)
    managers = [u for u in ctx.members if "Account" in u.title or "Success" in u.title or "Sales" in u.title]
    segment_cycle = [*["Enterprise shippers"] * 5, *["Mid-market retailers"] * 5, *["Independent carriers"] * 4,
                     "Internal: Finance & Billing"]
    used: set[str] = set()
    for index, stem in enumerate(content.ACCOUNT_STEMS):
        segment_name = segment_cycle[index % len(segment_cycle)]
        name = f"{stem} {rng.choice(content.SUFFIXES[segment_name])}"
        if name in used:
            continue
        used.add(name)
        low, high = content.REVENUE_RANGE[segment_name]
        revenue = Decimal(round(rng.uniform(low, high), -3)) if high else None
        tier = (Tier.STRATEGIC if revenue and revenue > 900_000 else Tier.KEY if revenue and revenue > 300_000
                else Tier.GROWTH if revenue and revenue > 60_000 else Tier.STANDARD)
        ctx.accounts.append(Account.objects.create(
            workspace=ws, name=name, external_id=f"CRM-{1000 + index}", segment=ctx.segments[segment_name],
            annual_revenue=revenue, tier=tier, account_manager=rng.choice(managers),
            website=f"https://{stem.lower().replace(' ', '')}.example",
        ))
    for account in ctx.accounts:
        internal = account.segment is not None and account.segment.name.startswith("Internal")
        for position in range(rng.randint(2, 4)):
            first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
            if internal:
                role, title = PersonRole.INTERNAL, rng.choice(content.INTERNAL_TITLES)
            elif position == 0:
                role, title = PersonRole.BUYER, rng.choice(content.BUYER_TITLES)
            else:
                role, title = PersonRole.END_USER, rng.choice(content.USER_TITLES)
            domain = account.name.split()[0].lower()
            ctx.persons.append(Person.objects.create(
                workspace=ws, name=f"{first} {last}", email=f"{first}.{last}.{account.pk}@{domain}.example".lower(),
                title=title, account=account, role=role,
            ))
    for name, aliases, klass in content.COMPETITORS:
        ctx.competitors.append(Competitor.objects.create(workspace=ws, name=name, aliases=aliases,
                                                         competitor_class=klass))
    for name, klass, targets, non_targets, gtm in content.PRODUCTS:
        product = Product.objects.create(workspace=ws, name=name, product_class=klass, go_to_market=gtm)
        product.target_segments.set([ctx.segments[s] for s in targets])
        product.non_target_segments.set([ctx.segments[s] for s in non_targets])


def _kind_for(rng: random.Random, user: User) -> str:
    if "Service" in user.title:
        return rng.choice([Kind.SERVICE_SIDE_BY_SIDE, Kind.CUSTOMER_VISIT, Kind.OTHER])
    if "Sales" in user.title:
        return rng.choice([Kind.SALES_SIT_IN, Kind.SALES_RIDE_ALONG, Kind.COFFEE])
    if "Discovery" in user.title or "Research" in user.title or "Product" in user.title:
        return rng.choice([Kind.SITE_VISIT, Kind.BRAINSTORM, Kind.CUSTOMER_VISIT, Kind.COFFEE])
    return rng.choice([Kind.COFFEE, Kind.COFFEE, Kind.CUSTOMER_VISIT, Kind.SITE_VISIT, Kind.SERVICE_SIDE_BY_SIDE,
                       Kind.SALES_SIT_IN, Kind.PILOT_CHECK_IN, Kind.BRAINSTORM])


@demo_step
def conversations(ctx: DemoContext) -> None:
    rng, ws = ctx.rng, ctx.workspace
    tags = {name: Tag.objects.create(workspace=ws, name=name) for name in content.TAGS}
    persons_by_account: dict[int | None, list[Person]] = {}
    for person in ctx.persons:
        persons_by_account.setdefault(person.account_id, []).append(person)
    # Weight accounts by revenue so big customers are met more often, as in real life.
    weights = [float(a.annual_revenue or 20_000) ** 0.5 for a in ctx.accounts]
    everyone = ctx.leaders + ctx.members
    # The CFO drifted away from customers: nothing first-hand for the last seven weeks.
    insulated = {u.pk for u in ctx.leaders if u.title == "Chief Financial Officer"}
    highlight_rows: list[tuple[Highlight, list[str]]] = []
    for user in everyone:
        per_month = ctx.activity.get(user.pk, 0)
        if not per_month:
            continue
        days = 182
        count = rng.randint(int(per_month * 5.5), int(per_month * 6.5))
        for _ in range(count):
            ago = rng.uniform(0.2, days)
            if user.pk in insulated and ago < 50:
                ago += 50
            when = (ctx.now - timedelta(days=ago)).replace(second=0, microsecond=0)
            when = when.replace(hour=rng.choice([8, 9, 10, 11, 13, 14, 15, 16]), minute=rng.choice([0, 15, 30, 45]))
            account = rng.choices(ctx.accounts, weights=weights)[0]
            met = rng.sample(persons_by_account[account.pk], k=min(len(persons_by_account[account.pk]),
                                                                    rng.choice([1, 1, 2])))
            topic = rng.choice(list(content.TOPIC_SENTENCES))
            kind = _kind_for(rng, user)
            notes = rng.choice(content.NOTES).format(person=met[0].name, site=rng.choice(content.SITES),
                                                    topic_sentence=content.TOPIC_SENTENCES[topic])
            conversation = Conversation.objects.create(
                workspace=ws, kind=kind, status=Status.LOGGED, occurred_at=when,
                duration_minutes=rng.choice([20, 30, 45, 60, 90, 120]),
                channel=rng.choices([Channel.IN_PERSON, Channel.VIDEO, Channel.PHONE], weights=[6, 3, 1])[0],
                account=account, led_by=user, notes=notes, created_by=user, created_at=when,
            )
            present = [user]
            if rng.random() < 0.35:
                companion = rng.choice(everyone)
                if companion != user:
                    present.append(companion)
            if account.account_manager and rng.random() < 0.4 and account.account_manager not in present:
                present.append(account.account_manager)
            conversation.members.set(present)
            conversation.persons.set(met)
            ctx.conversations.append(conversation)
            on_topic = [h for h in content.HIGHLIGHTS if topic in h[2]] or content.HIGHLIGHTS
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                kind_h, text, tag_names = rng.choice(on_topic if rng.random() < 0.7 else content.HIGHLIGHTS)
                competitor = None
                if kind_h == "competitor_mention":
                    competitor = next((c for c in ctx.competitors if c.name.split()[0] in text), None) or \
                        rng.choice(ctx.competitors)
                highlight = Highlight(workspace=ws, conversation=conversation, kind=kind_h, text=text,
                                      person=rng.choice(met), competitor=competitor, created_by=user,
                                      created_at=when, sentiment=highlight_sentiment(text))
                highlight_rows.append((highlight, tag_names))
    Highlight.objects.bulk_create([h for h, _ in highlight_rows], batch_size=500)
    rollups.change_pain(ws.pk, Highlight.objects.filter(workspace=ws), +1)  # bulk inserts send no signals
    through = Highlight.tags.through
    through.objects.bulk_create(
        [through(highlight_id=h.pk, tag_id=tags[name].pk) for h, names in highlight_rows for name in names],
        batch_size=1000,
    )
    ctx.highlights = [h for h, _ in highlight_rows]
    _plan_upcoming(ctx, persons_by_account)


def _plan_upcoming(ctx: DemoContext, persons_by_account: dict[int | None, list[Person]]) -> None:
    rng = ctx.rng
    for user in ctx.leaders:
        for _ in range(rng.randint(1, 3)):
            account = rng.choice(ctx.accounts)
            when = (ctx.now + timedelta(days=rng.uniform(1, 13))).replace(
                hour=rng.choice([9, 10, 14, 15]), minute=0, second=0, microsecond=0)
            conversation = Conversation.objects.create(
                workspace=ctx.workspace, kind=rng.choice([Kind.COFFEE, Kind.CUSTOMER_VISIT, Kind.SITE_VISIT]),
                status=Status.PLANNED, occurred_at=when, duration_minutes=45, account=account, led_by=user,
                title=f"Coffee with {account.name}" if rng.random() < 0.5 else f"Visit {account.name}",
                created_by=user,
            )
            conversation.members.set([user])
            conversation.persons.set(persons_by_account[account.pk][:1])


def demo_exists() -> bool:
    return Workspace.objects.filter(slug=content.WORKSPACE_SLUG).exists()


@transaction.atomic
def build_demo(seed: int = 7) -> DemoContext:
    workspace = Workspace.objects.create(name=content.WORKSPACE_NAME, slug=content.WORKSPACE_SLUG)
    ctx = DemoContext(workspace=workspace, rng=random.Random(seed), now=timezone.now())
    for step in [*DEMO_STEPS, *_area_steps()]:
        step(ctx)
    # Steps write conversations and highlights in bulk; index them all for search once everything is built.
    from outsidein.conversations.services import refresh_search_text

    for conversation in Conversation.objects.filter(workspace=workspace):
        refresh_search_text(conversation)
    return ctx


def _area_steps() -> list[Callable[[DemoContext], None]]:
    """Demo data of the areas built on the foundation, in the order they depend on each other."""
    from outsidein.engagement import demo as engagement_demo
    from outsidein.feedback import demo as feedback_demo
    from outsidein.guides import demo as guides_demo
    from outsidein.initiatives import demo as initiatives_demo
    from outsidein.insights import demo as insights_demo
    from outsidein.journeys import demo as journeys_demo
    from outsidein.loop import demo as loop_demo

    return [guides_demo.build, initiatives_demo.build, feedback_demo.build, insights_demo.build, engagement_demo.build,
            loop_demo.build, journeys_demo.build]


def demo_login() -> tuple[str, str]:
    name = content.LEADERS[0][0]
    return _email(name), content.DEMO_PASSWORD
