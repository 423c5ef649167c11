"""The marketplace brief: the catalogue by product class with its target and non-target segments and the
go-to-market per class and segment, and the competitors by class with what the field says about each, where we
meet them and what sales meetings learned. One page a leader reads in five minutes.

Every part is a bounded read: the catalogue and the competitor list are capped, mentions are counted by the
database and only the latest few of each are read, whatever the number of highlights and feedback items.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from outsidein.conversations.models import Highlight, HighlightKind, Kind
from outsidein.core.scoping import scoped
from outsidein.core.search import text_matches
from outsidein.core.words import wording
from outsidein.customers.models import Competitor, Product, Segment
from outsidein.feedback.models import FeedbackItem
from outsidein.journeys.models import MarketNote
from outsidein.workspaces.models import Workspace

PRODUCTS, COMPETITORS = 200, 30
LATEST = 4  # mentions shown per competitor
SALES_KINDS = (Kind.SALES_SIT_IN, Kind.SALES_RIDE_ALONG)
NO_CLASS = "Unclassed"


@dataclass
class ProductClassBrief:
    name: str
    products: list[Product] = field(default_factory=list)
    targets: list[Segment] = field(default_factory=list)
    non_targets: list[Segment] = field(default_factory=list)
    notes: dict[int, MarketNote] = field(default_factory=dict)  # by segment id

    def segment_rows(self) -> list[tuple[Segment, bool, MarketNote | None]]:
        """(segment, targeted, its go-to-market note) for every segment the class names, targets first."""
        return ([(s, True, self.notes.get(s.pk)) for s in self.targets]
                + [(s, False, self.notes.get(s.pk)) for s in self.non_targets])


@dataclass
class CompetitorBrief:
    competitor: Competitor
    heard: int = 0  # competitor mentions in conversations: first-hand
    relayed: int = 0  # feedback items naming them
    latest: list[Highlight] = field(default_factory=list)
    latest_feedback: list[FeedbackItem] = field(default_factory=list)
    segments: list[tuple[str, int]] = field(default_factory=list)  # where we meet them, most mentions first
    accounts: list[tuple[str, int]] = field(default_factory=list)
    from_sales: list[Highlight] = field(default_factory=list)  # mentions heard in sales meetings


@dataclass
class MarketplaceBrief:
    product_classes: list[ProductClassBrief]
    competitor_classes: list[tuple[str, list[CompetitorBrief]]]
    segments: list[Segment]


def _product_classes(workspace: Workspace) -> list[ProductClassBrief]:
    products = list(scoped(Product, workspace).prefetch_related("target_segments", "non_target_segments")
                    .order_by("product_class", "name")[:PRODUCTS])
    classes: dict[str, ProductClassBrief] = {}
    for product in products:
        brief = classes.setdefault(product.product_class or NO_CLASS, ProductClassBrief(product.product_class
                                                                                          or NO_CLASS))
        brief.products.append(product)
        for source, target in ((product.target_segments.all(), brief.targets),
                               (product.non_target_segments.all(), brief.non_targets)):
            target.extend(s for s in source if s not in target)
    for brief in classes.values():
        brief.non_targets = [s for s in brief.non_targets if s not in brief.targets]
    for note in scoped(MarketNote, workspace).filter(product_class__in=list(classes)).select_related("segment"):
        classes[note.product_class].notes[note.segment_id] = note
    return sorted(classes.values(), key=lambda c: (c.name == NO_CLASS, c.name.lower()))


def _mentions(workspace: Workspace) -> QuerySet[Highlight]:
    return scoped(Highlight, workspace).filter(kind=HighlightKind.COMPETITOR_MENTION, competitor__isnull=False)


def _grouped(mentions: QuerySet[Highlight], path: str, limit: int = 5) -> dict[int, list[tuple[str, int]]]:
    """Per competitor, the names at ``path`` with the most mentions (one grouped query)."""
    rows = (mentions.filter(**{f"{path}__isnull": False}).order_by().values("competitor_id", path)
            .annotate(n=Count("id")).order_by("competitor_id", "-n", path))
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        if len(found[row["competitor_id"]]) < limit:
            found[row["competitor_id"]].append((row[path], row["n"]))
    return found


def _latest(mentions: QuerySet[Highlight], *, limit: int) -> dict[int, list[Highlight]]:
    """The newest ``limit`` wordings said of each competitor, in one query (numbered per competitor by the
    database); the same words heard again count once, three times as many rows are read to find them."""
    numbered = (mentions.select_related("conversation__account", "person")
                .annotate(rank=Window(RowNumber(), partition_by=[F("competitor_id")],
                                      order_by=[F("conversation__occurred_at").desc(), F("id").desc()]))
                .filter(rank__lte=3 * limit).order_by("competitor_id", "rank"))
    found: dict[int, list[Highlight]] = defaultdict(list)
    said: set[tuple[int, str]] = set()
    for h in numbered:
        key = (h.competitor_id or 0, wording(h.text))
        if h.competitor_id is not None and key not in said and len(found[h.competitor_id]) < limit:
            said.add(key)
            found[h.competitor_id].append(h)
    return found


def _relayed(workspace: Workspace, competitor: Competitor) -> tuple[int, list[FeedbackItem]]:
    condition = text_matches(FeedbackItem._meta.db_table, "text", competitor.name)
    if condition is None:
        return 0, []
    items = scoped(FeedbackItem, workspace).filter(condition)
    return items.count(), list(items.select_related("account").order_by("-received_at", "-id")[:2])


def _competitor_classes(workspace: Workspace) -> list[tuple[str, list[CompetitorBrief]]]:
    competitors = list(scoped(Competitor, workspace).order_by("competitor_class", "name")[:COMPETITORS])
    mentions = _mentions(workspace).filter(competitor__in=competitors)
    counts = dict(mentions.order_by().values("competitor_id").annotate(n=Count("id"))
                  .values_list("competitor_id", "n"))
    latest = _latest(mentions, limit=LATEST)
    sales = _latest(mentions.filter(conversation__kind__in=SALES_KINDS), limit=2)
    segments = _grouped(mentions, "conversation__account__segment__name")
    accounts = _grouped(mentions, "conversation__account__name")
    classes: dict[str, list[CompetitorBrief]] = defaultdict(list)
    for c in competitors:
        relayed, items = _relayed(workspace, c)
        classes[c.competitor_class or NO_CLASS].append(CompetitorBrief(
            c, heard=counts.get(c.pk, 0), relayed=relayed, latest=latest.get(c.pk, []), latest_feedback=items,
            segments=segments.get(c.pk, []), accounts=accounts.get(c.pk, []), from_sales=sales.get(c.pk, [])))
    for briefs in classes.values():
        briefs.sort(key=lambda b: (-(b.heard + b.relayed), b.competitor.name.lower()))
    return sorted(classes.items(), key=lambda item: (item[0] == NO_CLASS, item[0].lower()))


def marketplace_brief(workspace: Workspace) -> MarketplaceBrief:
    return MarketplaceBrief(_product_classes(workspace), _competitor_classes(workspace),
                            list(scoped(Segment, workspace).order_by("name")[:100]))

