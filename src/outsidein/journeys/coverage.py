"""Marketplace coverage, a section of the pulse page and the weekly digest (engagement/sections.py): which segments,
product classes and competitor classes a leader has heard about first-hand in the last 90 days, beside the team,
and the one gap to close first.

First-hand means in a conversation the leader was in. A segment is covered by meeting one of its accounts; a
product class by meeting an account in a segment the class targets; a competitor class by hearing a competitor of
it mentioned. Every count is a distinct pair grouped by the database (leader × segment, leader × class).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse

from outsidein.conversations.models import HighlightKind
from outsidein.core.scoping import scoped
from outsidein.customers.models import Competitor, Product, Segment
from outsidein.engagement.sections import PulseSection, SectionContext, register
from outsidein.engagement.selectors import first_hand_presences, leader_memberships
from outsidein.workspaces.models import User, Workspace

COVERAGE_DAYS = 90
KINDS = ("segment", "product class", "competitor class")


@dataclass(frozen=True)
class Covered:
    kind: str
    name: str
    mine: bool
    leaders: int  # leaders who heard of it first-hand
    of: int  # leaders in all

    @property
    def gap_sentence(self) -> str:
        what = {"segment": f"met a customer in {self.name}",
                "product class": f"met a customer of a segment {self.name} is sold to",
                "competitor class": f"heard a customer mention a competitor of the kind “{self.name}”"}[self.kind]
        peers = f" ({self.leaders} of {self.of} leaders have)" if self.leaders else " (nor has anyone else)"
        return f"You have not {what} first-hand in {COVERAGE_DAYS} days{peers}."


def coverage(workspace: Workspace, user: User, now: datetime) -> list[Covered]:
    leaders = {m.user_id for m in leader_memberships(workspace)} | {user.pk}
    present = first_hand_presences(workspace, now).filter(
        user_id__in=leaders, conversation__occurred_at__gt=now - timedelta(days=COVERAGE_DAYS),
        conversation__occurred_at__lte=now)
    met = set(present.filter(conversation__account__segment__isnull=False)
              .values_list("user_id", "conversation__account__segment_id").distinct())
    heard = set(present.filter(conversation__highlights__kind=HighlightKind.COMPETITOR_MENTION,
                               conversation__highlights__competitor__isnull=False)
                .values_list("user_id", "conversation__highlights__competitor__competitor_class").distinct())
    segments = dict(scoped(Segment, workspace).values_list("pk", "name")[:100])
    targets = set(Product.target_segments.through.objects.filter(product__workspace=workspace)
                  .values_list("product__product_class", "segment_id").distinct()[:1000])
    classes = sorted({c for c, _ in targets if c})
    competitor_classes = sorted(set(scoped(Competitor, workspace).exclude(competitor_class="")
                                    .values_list("competitor_class", flat=True)[:100]))
    items = []
    for pk, name in sorted(segments.items(), key=lambda item: item[1].lower()):
        who = {u for u, s in met if s == pk}
        items.append(Covered("segment", name, user.pk in who, len(who), len(leaders)))
    for name in classes:
        served = {s for c, s in targets if c == name}
        who = {u for u, s in met if s in served}
        items.append(Covered("product class", name, user.pk in who, len(who), len(leaders)))
    for name in competitor_classes:
        who = {u for u, c in heard if c == name}
        items.append(Covered("competitor class", name, user.pk in who, len(who), len(leaders)))
    return items


def gap_to_close(items: list[Covered]) -> Covered | None:
    """What the leader has not heard first-hand that most of the team has: segments first, then product classes,
    then competitor classes."""
    missing = [i for i in items if not i.mine]
    return min(missing, key=lambda i: (KINDS.index(i.kind), -i.leaders, i.name.lower()), default=None)


def read(workspace: Workspace, user: User, now: datetime) -> SectionContext | None:
    items = coverage(workspace, user, now)
    if not items:
        return None
    gap = gap_to_close(items)
    return {"items": items, "gap": gap, "days": COVERAGE_DAYS, "covered": sum(i.mine for i in items),
            "brief_url": reverse("marketplace", kwargs={"ws": workspace.slug})}


def digest_figures(context: SectionContext) -> dict[str, object]:
    gap: Covered | None = context["gap"]
    return {"marketplace_covered_90": context["covered"], "marketplace_items": len(context["items"]),
            "marketplace_gap": f"{gap.kind}: {gap.name}" if gap else ""}


SECTION = PulseSection(
    name="marketplace coverage", read=read, page_template="journeys/_pulse_section.html",
    email_template="journeys/email/_digest_section.html", text_template="journeys/email/_digest_section.txt",
    figures=digest_figures,
)


def register_section() -> None:
    register(SECTION)
