"""Themes of a workspace: found in its feedback texts and highlights, kept current, edited by people.

A full analysis (``run_theme_analysis``; from a page, ``start_theme_analysis`` queues it as a job tracked on a
``ThemeAnalysis`` row, see core.jobs) fits a ``ThemeModel`` over every
feedback item with text and every highlight, replaces the workspace's themes and stores the fitted model,
so ``assign_new_items`` places what arrives later among the same themes without a re-fit. People rename,
merge and split themes; the stored model follows merges and splits so later assignments respect them.

The database rows are the truth about membership (``ThemeMember``); the stored model only keeps what
placing a new text needs (centroids, vocabulary), not the member lists of the fit.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import NoReverseMatch
from django.utils import timezone

from outsidein.conversations.models import Highlight
from outsidein.core import jobs
from outsidein.core.scoping import assert_same_workspace, scoped
from outsidein.voice import theme_reach
from outsidein.voice.analysis import embeddings
from outsidein.voice.analysis.sentiment import score_text
from outsidein.voice.analysis.themes import (
    METHODS,
    UNASSIGNED,
    ThemeModel,
    TooAlikeToSplit,
    fit_themes,
    make_label,
    summarise_themes,
)
from outsidein.voice.models import FeedbackItem, Theme, ThemeAnalysis, ThemeMember, ThemeModelState

logger = logging.getLogger(__name__)

FEEDBACK = "feedback"
HIGHLIGHT = "highlight"
# Only the opening of a very long text (a pasted e-mail thread, a 10 MB cell) decides its theme: the rest
# would cost memory and time without changing which theme it is closest to.
MAX_TEXT_CHARS = 5_000
REPRESENTATIVE_QUOTES = 3
MAX_THEMES = 100
MAX_SPLIT_PARTS = 10
TREND_WINDOW_DAYS = 30.0
MIN_TEXTS = 2
# The steps a full analysis reports as its progress; fitting is one computation, so texts are not counted.
ANALYSIS_STEPS = ("texts read", "vectorised", "k chosen", "clustered", "themes saved with labels and quotes")


@dataclass(frozen=True)
class Subject:
    """One text themes are made of: a feedback item or a highlight, with what the figures need."""

    kind: str  # FEEDBACK or HIGHLIGHT
    id: int
    text: str
    at: datetime | None
    account_id: int | None
    revenue: float | None
    sentiment: float | None
    nps: int | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _sentiment(stored: float | None, text: str) -> float | None:
    score = stored if stored is not None else score_text(text)
    return None if score is None or math.isnan(score) else float(score)


def corpus(workspace, *, unthemed_only: bool = False) -> list[Subject]:
    """Every feedback item with text and every highlight of the workspace, oldest first (two queries).

    Sentiment is the stored one (scored when the item or highlight was saved); a text without one is scored here.
    """
    feedback = scoped(FeedbackItem, workspace).exclude(text="")
    highlights = scoped(Highlight, workspace).exclude(text="")
    if unthemed_only:
        feedback = feedback.filter(theme_memberships__isnull=True)
        highlights = highlights.filter(theme_memberships__isnull=True)
    subjects = [
        Subject(FEEDBACK, pk, text[:MAX_TEXT_CHARS], at, account_id, _float(revenue),
                _sentiment(sentiment, text[:MAX_TEXT_CHARS]), nps)
        for pk, text, at, account_id, revenue, sentiment, nps in feedback.order_by("received_at", "id").values_list(
            "id", "text", "received_at", "account_id", "account__annual_revenue", "sentiment", "nps"
        ).iterator(chunk_size=5_000)
    ]
    subjects += [
        Subject(HIGHLIGHT, pk, text[:MAX_TEXT_CHARS], at, account_id, _float(revenue),
                _sentiment(sentiment, text[:MAX_TEXT_CHARS]), None)
        for pk, text, at, account_id, revenue, sentiment in highlights.order_by("conversation__occurred_at", "id")
        .values_list("id", "text", "conversation__occurred_at", "conversation__account_id",
                     "conversation__account__annual_revenue", "sentiment").iterator(chunk_size=5_000)
    ]
    return subjects


def live_themes(workspace):
    """The themes people see: not merged into another one; largest first."""
    return scoped(Theme, workspace).filter(merged_into__isnull=True)


# -- the stored model --------------------------------------------------------------------------------------


def load_model(workspace) -> ThemeModel | None:
    state = scoped(ThemeModelState, workspace).first()
    if state is None or not state.data:
        return None
    return ThemeModel.from_bytes(bytes(state.data))


def _save_model(workspace, model: ThemeModel, *, refitted: bool = False) -> None:
    for theme in model.themes:
        # Membership lives in ThemeMember rows; keeping the fit's index lists would only bloat the blob.
        theme.member_indices = []
        theme.representative_indices = []
    values = {"data": model.to_bytes(), "method": model.method, "k": model.k}
    if refitted:
        values["fitted_at"] = timezone.now()
    ThemeModelState.objects.update_or_create(workspace=workspace, defaults=values)


def _member(theme: Theme, subject: Subject, similarity: float) -> ThemeMember:
    return ThemeMember(
        workspace_id=theme.workspace_id,
        theme=theme,
        feedback_item_id=subject.id if subject.kind == FEEDBACK else None,
        highlight_id=subject.id if subject.kind == HIGHLIGHT else None,
        # Distance from the theme's centre (1 - cosine similarity): the closest members are its quotes.
        distance=float(1.0 - similarity),
    )


def _centroid_similarity(model: ThemeModel, texts: Sequence[str], model_theme_ids: Sequence[int]) -> np.ndarray:
    """Cosine similarity of each text to the centre of the given theme (one theme id per text)."""
    if not len(texts):
        return np.zeros(0)
    rows = {theme.id: row for row, theme in enumerate(model.themes)}
    centroids = model.centroids[[rows[i] for i in model_theme_ids]]
    return np.einsum("ij,ij->i", model.vectors(texts), centroids)


# -- full analysis -------------------------------------------------------------------------------------------


def check_method(method: str) -> None:
    if method not in METHODS:
        raise ValidationError({"method": f"Choose one of {', '.join(METHODS)}."})
    if method == "embeddings" and not embeddings.is_available():
        raise ValidationError({"method": "Sentence embeddings are not installed here (the optional 'embeddings' "
                                         "extra); use the fast TF-IDF method."})


def check_k(k: int | None) -> None:
    if k is not None and not 2 <= k <= MAX_THEMES:
        raise ValidationError({"k": f"Choose between 2 and {MAX_THEMES} themes, or leave it blank to let the "
                                    "data decide."})


def run_theme_analysis(workspace, *, k: int | None = None, method: str = "tfidf",
                       progress: jobs.Progress | None = None) -> list[Theme]:
    """Fit themes over the whole workspace and replace its themes (the names people gave are kept when a
    new theme is mostly the same items as a renamed old one). Returns the new themes, largest first.

    Raises ``JobFailed`` when there is nothing to find themes in; the workspace's themes are then left as
    they were.
    """
    check_method(method)
    check_k(k)
    steps = _Steps(progress)
    subjects = corpus(workspace)
    if len(subjects) < MIN_TEXTS:
        raise jobs.JobFailed(
            f"There {'is' if len(subjects) == 1 else 'are'} {len(subjects) or 'no'} feedback "
            f"text{'' if len(subjects) == 1 else 's'} or highlight{'' if len(subjects) == 1 else 's'} to find "
            f"themes in; it takes at least {MIN_TEXTS}. Import feedback with comments or capture highlights first.")
    steps.done("texts read")
    texts = [s.text for s in subjects]
    model = fit_themes(texts, k=k, method=method, on_step=steps.done)
    if not model.themes:
        raise jobs.JobFailed(f"None of the {len(texts)} texts has words to group them by (only blanks or very "
                             "common words); import feedback with written comments first.")
    with transaction.atomic():
        kept_names = _renamed_themes(workspace)
        scoped(Theme, workspace).delete()
        themes = {
            mt.id: Theme(workspace=workspace, name=mt.label, top_terms=mt.top_terms, size=mt.size,
                         method=method, model_index=mt.id)
            for mt in model.themes
        }
        Theme.objects.bulk_create(themes.values())
        assignments = model.assignments
        placed = np.flatnonzero(assignments != UNASSIGNED)
        similarity = _centroid_similarity(model, [texts[i] for i in placed], assignments[placed].tolist())
        members = [_member(themes[int(assignments[i])], subjects[i], sim) for i, sim in zip(placed, similarity,
                                                                                               strict=True)]
        ThemeMember.objects.bulk_create(members, batch_size=2_000)
        _restore_names(kept_names, list(themes.values()), members)
        _save_model(workspace, model, refitted=True)
        refresh_theme_figures(workspace, subjects=subjects)
    steps.done(ANALYSIS_STEPS[-1])
    return list(live_themes(workspace))


class _Steps:
    """Reports the analysis's steps to its job's progress, whichever part of the work reaches them."""

    def __init__(self, progress: jobs.Progress | None) -> None:
        self.progress = progress
        if progress:
            progress.start(len(ANALYSIS_STEPS))

    def done(self, step: str) -> None:
        if self.progress and step in ANALYSIS_STEPS:
            self.progress.advance(ANALYSIS_STEPS.index(step) + 1)


def _renamed_themes(workspace) -> list[tuple[str, set[tuple[str, int]]]]:
    """Themes whose name a person chose (it is not the label made from its top terms), with their items."""
    renamed = {t.pk: t.name for t in live_themes(workspace) if t.name != make_label(t.top_terms)}
    items: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for theme_id, feedback_id, highlight_id in scoped(ThemeMember, workspace).filter(
            theme_id__in=renamed).values_list("theme_id", "feedback_item_id", "highlight_id"):
        items[theme_id].add((FEEDBACK, feedback_id) if feedback_id else (HIGHLIGHT, highlight_id))
    return [(name, items[pk]) for pk, name in renamed.items() if items[pk]]


def _restore_names(kept: list[tuple[str, set[tuple[str, int]]]], themes: list[Theme],
                   members: list[ThemeMember]) -> None:
    if not kept:
        return
    items: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for m in members:
        items[id(m.theme)].add((FEEDBACK, m.feedback_item_id) if m.feedback_item_id else (HIGHLIGHT, m.highlight_id))
    renamed = []
    for theme in themes:
        new = items[id(theme)]
        for name, old in kept:
            # More than half of the union in common: the same theme, found again.
            if new and len(new & old) / len(new | old) > 0.5:
                theme.name = name
                renamed.append(theme)
                break
    Theme.objects.bulk_update(renamed, ["name"])


@task()
def theme_analysis_job(analysis_id: int) -> int:
    """Run a queued theme analysis; its row shows the progress and why it failed. Returns the themes found."""
    analysis = ThemeAnalysis.objects.select_related("workspace").get(pk=analysis_id)
    with jobs.tracked(analysis) as progress:
        try:
            themes = run_theme_analysis(analysis.workspace, k=analysis.k, method=analysis.method, progress=progress)
        except ValidationError as exc:  # e.g. the worker lacks the embeddings extra the page offered
            raise jobs.JobFailed(" ".join(exc.messages)) from exc
        analysis.themes_found = len(themes)
        analysis.save(update_fields=["themes_found"])
    return analysis.themes_found


def start_theme_analysis(workspace, actor=None, *, k: int | None = None, method: str = "tfidf") -> ThemeAnalysis:
    """Queue a full theme analysis for a worker (input is checked here, so a bad choice fails at once)."""
    check_method(method)
    check_k(k)
    latest = latest_analysis(workspace)
    # A run whose worker stopped is failed here rather than left blocking this one.
    if latest is not None and jobs.recover_if_stopped(latest).is_running:
        raise ValidationError("A theme analysis of this workspace is already running; wait for it to finish.")
    analysis = ThemeAnalysis.objects.create(workspace=workspace, k=k, method=method, created_by=actor)
    jobs.start_on(analysis, theme_analysis_job)
    analysis.refresh_from_db()
    return analysis


def latest_analysis(workspace) -> ThemeAnalysis | None:
    return scoped(ThemeAnalysis, workspace).first()


@dataclass(frozen=True)
class AnalysisStatus:
    """What the themes page says about the analysis: the latest run (queued, running, failed or done) and
    when the current themes were found."""

    run: ThemeAnalysis | None
    fitted_at: datetime | None = None
    state: ThemeModelState | None = None  # without its model data: what the page's counts start from

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.is_running

    @property
    def error(self) -> str:
        failed = self.run is not None and self.run.status == jobs.JobStatus.FAILED
        return (self.run.error or "The theme analysis failed.") if failed else ""


def analysis_status(workspace) -> AnalysisStatus:
    state = _state_figures(workspace)
    run = latest_analysis(workspace)
    if run is not None:
        run = jobs.recover_if_stopped(run)  # the page says a stopped run failed instead of waiting on it for ever
    return AnalysisStatus(run=run, fitted_at=state.fitted_at if state else None, state=state)


def _state_figures(workspace) -> ThemeModelState | None:
    return (scoped(ThemeModelState, workspace)
            .only("fitted_at", "unthemed", "texts", "feedback_seen", "highlight_seen").first())


# -- new items ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    assigned: int
    unassigned: int  # items no theme is close enough to: something new, found by the next full analysis


# Tries of placing new items when texts vanish under it (deleted while it ran): each try reads the texts afresh.
ASSIGN_TRIES = 3


def assign_new_items(workspace) -> Assignment:
    """Place feedback items and highlights that belong to no theme yet among the existing themes.

    Uses the stored model (no re-fit): an item joins its nearest theme when it is as close to it as that
    theme's own members are; otherwise it stays unassigned until the next full analysis.

    A highlight or item deleted while this runs makes its membership break a foreign key when the transaction
    commits; the placing is then done again without it, so the others are placed all the same.
    """
    for attempt in range(1, ASSIGN_TRIES + 1):
        try:
            return _assign_new_items(workspace)
        except IntegrityError:
            if attempt == ASSIGN_TRIES or transaction.get_connection().in_atomic_block:
                raise
            logger.info("Placing new items of workspace %s: a text vanished meanwhile; placing again", workspace.pk)
    raise AssertionError("unreachable")


@transaction.atomic
def _assign_new_items(workspace) -> Assignment:
    model = load_model(workspace)
    if model is None or not model.themes:
        return Assignment(0, 0)
    subjects = corpus(workspace, unthemed_only=True)
    if not subjects:
        return Assignment(0, 0)
    texts = [s.text for s in subjects]
    ids, similarity = model.assign(texts, with_similarity=True)
    by_index = {t.model_index: t for t in live_themes(workspace).filter(model_index__isnull=False)}
    members = [_member(by_index[int(theme_id)], subject, sim)
               for subject, theme_id, sim in zip(subjects, ids, similarity, strict=True)
               if theme_id != UNASSIGNED and int(theme_id) in by_index]
    ThemeMember.objects.bulk_create(members, batch_size=2_000)
    if members:
        refresh_theme_figures(workspace)
    return Assignment(len(members), len(subjects) - len(members))


def place_imported_items(batch) -> Assignment | None:
    """After an import: the new items join the workspace's existing themes (no re-fit).

    The one step both the background import and ``outsidein import feedback`` take once the rows are in.
    None when there is nothing to place them among (no fitted theme model) or the import created nothing.
    """
    if not batch.rows_created:
        return None
    if not scoped(ThemeModelState, batch.workspace).exists():
        return None
    return assign_new_items(batch.workspace)


# The import job's last phase (voice.imports.run_import): its rows are in, its items are being placed.
PLACING = "Placing the new items among the existing themes"


def placing_imported_items(batch) -> bool:
    """Whether an import's rows are in and its job is placing them among the themes, as its row says."""
    return batch.status == jobs.JobStatus.RUNNING and batch.phase == PLACING


@dataclass(frozen=True)
class BatchThemes:
    placed: int  # the batch's items with text that belong to a theme
    unplaced: int  # ... and those no theme was close enough to


def batch_themes(batch) -> BatchThemes | None:
    """How an import's items with text sit among the themes; None when the workspace has no themes."""
    if not scoped(ThemeModelState, batch.workspace).exists():
        return None
    items = scoped(FeedbackItem, batch.workspace).filter(batch=batch).exclude(text="")
    with_text = items.count()
    placed = items.filter(theme_memberships__isnull=False).distinct().count()
    return BatchThemes(placed, with_text - placed)


def _texts_since(workspace, state: ThemeModelState | None) -> int:
    """Texts newer than those the figures were last computed from (all of them when they never were)."""
    feedback_seen, highlight_seen = (state.feedback_seen, state.highlight_seen) if state else (0, 0)
    return (scoped(FeedbackItem, workspace).filter(pk__gt=feedback_seen).exclude(text="").count()
            + scoped(Highlight, workspace).filter(pk__gt=highlight_seen).exclude(text="").count())


def text_count(workspace, state: ThemeModelState | None = None) -> int:
    """Every feedback text and highlight, themed or not: those counted with the figures plus those since."""
    state = state or _state_figures(workspace)
    return (state.texts if state else 0) + _texts_since(workspace, state)


def unthemed_count(workspace, state: ThemeModelState | None = None) -> int:
    """Texts in no theme: those left out when the figures were last computed, plus every text that came since."""
    state = state or _state_figures(workspace)
    return (state.unthemed if state else 0) + _texts_since(workspace, state)


# -- figures -----------------------------------------------------------------------------------------------


def refresh_theme_figures(workspace, *, subjects: list[Subject] | None = None) -> None:
    """Size, average sentiment, trend, revenue at stake and representative quotes of every live theme.

    Trend is the change in the theme's share of ALL items (themed or not) between the last 30 days and
    the 30 before, so a quiet month does not look like an improving theme.
    """
    subjects = corpus(workspace) if subjects is None else subjects
    themes = {t.pk: t for t in live_themes(workspace)}
    position = {s.key: i for i, s in enumerate(subjects)}
    theme_of = np.full(len(subjects), UNASSIGNED, dtype=np.int64)
    closest: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for theme_id, feedback_id, highlight_id, distance in scoped(ThemeMember, workspace).filter(
            theme_id__in=themes).values_list("theme_id", "feedback_item_id", "highlight_id", "distance"):
        i = position.get((FEEDBACK, feedback_id) if feedback_id else (HIGHLIGHT, highlight_id))
        if i is None:  # a text emptied since it was themed
            continue
        theme_of[i] = theme_id
        closest[theme_id].append((distance if distance is not None else 1.0, i))
    summaries = summarise_themes(
        theme_of,
        sentiment=[s.sentiment for s in subjects],
        timestamps=[s.at for s in subjects],
        account_ids=[s.account_id for s in subjects],
        revenue=[s.revenue for s in subjects],
        window_days=TREND_WINDOW_DAYS,
    ) if len(subjects) else []
    by_theme = {s.theme_id: s for s in summaries}
    for pk, theme in themes.items():
        summary = by_theme.get(pk)
        theme.size = summary.size if summary else 0
        theme.avg_sentiment = summary.average_sentiment if summary else None
        theme.trend = summary.trend if summary else None
        # No account behind any item: nothing is known to be at stake, which is not the same as zero.
        at_stake = summary.revenue_at_stake if summary and summary.accounts else None
        theme.revenue_at_stake = Decimal(str(round(at_stake, 2))) if at_stake is not None else None
        theme.representative_ids = _representatives(subjects, sorted(closest[pk]))
    theme_reach.store_reach(workspace, themes)
    Theme.objects.bulk_update(themes.values(), ["size", "avg_sentiment", "trend", "revenue_at_stake",
                                                "representative_ids", *theme_reach.REACH_FIELDS], batch_size=500)
    scoped(ThemeModelState, workspace).update(
        texts=len(subjects),
        unthemed=int(np.count_nonzero(theme_of == UNASSIGNED)),
        feedback_seen=max((s.id for s in subjects if s.kind == FEEDBACK), default=0),
        highlight_seen=max((s.id for s in subjects if s.kind == HIGHLIGHT), default=0),
    )


def _representatives(subjects: list[Subject], ranked: Iterable[tuple[float, int]]) -> list[dict[str, int]]:
    """The members closest to the theme's centre, one per distinct wording."""
    chosen, seen = [], set()
    for _, i in ranked:
        subject = subjects[i]
        wording = " ".join(subject.text.lower().split())
        if wording in seen:
            continue
        seen.add(wording)
        chosen.append({subject.kind: subject.id})
        if len(chosen) >= REPRESENTATIVE_QUOTES:
            break
    return chosen


# -- reading a theme ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeItem:
    kind: str
    id: int
    text: str
    at: datetime | None
    account: object | None
    sentiment: float | None
    nps: int | None
    obj: object

    @property
    def url(self) -> str:
        try:
            return self.obj.get_absolute_url()
        except NoReverseMatch:  # a feedback item has no page of its own where the feedback pages are absent
            return ""


def _items(workspace, refs: list[tuple[str, int]]) -> list[ThemeItem]:
    feedback_ids = [pk for kind, pk in refs if kind == FEEDBACK]
    highlight_ids = [pk for kind, pk in refs if kind == HIGHLIGHT]
    found: dict[tuple[str, int], ThemeItem] = {}
    for item in scoped(FeedbackItem, workspace).filter(pk__in=feedback_ids).select_related("account", "workspace"):
        found[(FEEDBACK, item.pk)] = ThemeItem(FEEDBACK, item.pk, item.text, item.received_at, item.account,
                                               _sentiment(item.sentiment, item.text[:MAX_TEXT_CHARS]), item.nps, item)
    for h in scoped(Highlight, workspace).filter(pk__in=highlight_ids).select_related(
            "conversation__account", "conversation__workspace"):
        found[(HIGHLIGHT, h.pk)] = ThemeItem(HIGHLIGHT, h.pk, h.text, h.conversation.occurred_at,
                                             h.conversation.account, _sentiment(None, h.text), None, h)
    return [found[ref] for ref in refs if ref in found]


def _ref(entry) -> tuple[str, int] | None:
    if isinstance(entry, int):  # a bare id is a feedback item
        return (FEEDBACK, entry)
    if isinstance(entry, dict) and entry:
        kind, pk = next(iter(entry.items()))
        return (kind, int(pk))
    return None


def representative_quotes(theme: Theme) -> list[ThemeItem]:
    return _items(theme.workspace, [r for r in map(_ref, theme.representative_ids or []) if r])


def representative_quotes_of(workspace, themes: Iterable[Theme]) -> dict[int, list[ThemeItem]]:
    """Representative quotes of many themes at once (two queries for all of them)."""
    refs = {t.pk: [r for r in map(_ref, t.representative_ids or []) if r] for t in themes}
    found = {(item.kind, item.id): item for item in _items(workspace, [r for rs in refs.values() for r in rs])}
    return {pk: [found[r] for r in rs if r in found] for pk, rs in refs.items()}


def theme_items(theme: Theme, *, limit: int = 200) -> list[ThemeItem]:
    """The theme's items closest to its centre first (bounded: three queries whatever the theme's size)."""
    refs = [
        (FEEDBACK, f) if f else (HIGHLIGHT, h)
        for f, h in theme.members.order_by("distance", "id").values_list("feedback_item_id", "highlight_id")[:limit]
    ]
    return _items(theme.workspace, refs)


# -- editing -----------------------------------------------------------------------------------------------


def _live(theme: Theme) -> None:
    if theme.merged_into_id is not None:
        raise ValidationError(f"“{theme.name}” was merged into another theme; edit that one instead.")


@transaction.atomic
def rename_theme(theme: Theme, name: str) -> Theme:
    _live(theme)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the theme a name."})
    if len(name) > Theme._meta.get_field("name").max_length:
        raise ValidationError({"name": "Keep the name under 200 characters."})
    theme.name = name
    theme.save(update_fields=["name"])
    return theme


@transaction.atomic
def merge_themes(keep: Theme, other: Theme, *, name: str | None = None) -> Theme:
    """Merge ``other`` into ``keep``: its items join ``keep``, and ``other`` remains only as a pointer."""
    assert_same_workspace(keep.workspace, other)
    if keep.pk == other.pk:
        raise ValidationError({"other": "Choose a different theme to merge with."})
    _live(keep)
    _live(other)
    workspace = keep.workspace
    model = load_model(workspace)
    if model is not None and {keep.model_index, other.model_index} <= {t.id for t in model.themes}:
        model.theme(keep.model_index).size = keep.size
        model.theme(other.model_index).size = other.size
        model.merge([keep.model_index, other.model_index])
        _save_model(workspace, model)
    other.members.update(theme=keep)
    other.merged_into = keep
    other.model_index = None
    other.size = 0
    other.save(update_fields=["merged_into", "model_index", "size"])
    scoped(Theme, workspace).filter(merged_into=other).update(merged_into=keep)
    if name and name.strip():
        keep.name = " ".join(name.split())
        keep.save(update_fields=["name"])
    if model is not None and keep.model_index is not None:
        _replace_distances(keep, model)
    refresh_theme_figures(workspace)
    keep.refresh_from_db()
    return keep


def _member_texts(theme: Theme) -> tuple[list[ThemeMember], list[str]]:
    members = list(theme.members.select_related("feedback_item", "highlight").order_by("id"))
    texts = [(m.feedback_item.text if m.feedback_item_id else m.highlight.text)[:MAX_TEXT_CHARS] for m in members]
    return members, texts


def _replace_distances(theme: Theme, model: ThemeModel) -> None:
    members, texts = _member_texts(theme)
    similarity = _centroid_similarity(model, texts, [theme.model_index] * len(texts))
    for member, sim in zip(members, similarity, strict=True):
        member.distance = float(1.0 - sim)
    ThemeMember.objects.bulk_update(members, ["distance"], batch_size=2_000)


@transaction.atomic
def split_theme(theme: Theme, parts: int = 2) -> list[Theme]:
    """Re-cluster one theme's items into ``parts`` themes; the first keeps the theme's row (and its links)."""
    _live(theme)
    if not 2 <= parts <= MAX_SPLIT_PARTS:
        raise ValidationError({"parts": f"Split into 2 to {MAX_SPLIT_PARTS} themes."})
    workspace = theme.workspace
    model = load_model(workspace)
    if model is None or theme.model_index is None or theme.model_index not in {t.id for t in model.themes}:
        raise ValidationError("This theme is not in the current theme model; run the theme analysis again first.")
    members, texts = _member_texts(theme)
    distinct = len({" ".join(t.lower().split()) for t in texts})
    if distinct < parts:
        raise ValidationError({"parts": f"“{theme.name}” has {distinct} different text{'s' if distinct != 1 else ''}, "
                                        f"too few to split into {parts}."})
    # The model splits by positions in the texts it is given: this theme's members, in order.
    model_theme = model.theme(theme.model_index)
    model_theme.member_indices = list(range(len(members)))
    model_theme.size = len(members)
    try:
        pieces = model.split(theme.model_index, texts, parts=parts)
    except TooAlikeToSplit as exc:
        raise ValidationError({"parts": f"“{theme.name}” cannot be split: {exc}."}) from exc

    rows: list[Theme] = []
    for j, piece in enumerate(pieces):
        row = theme if j == 0 else Theme(workspace=workspace, method=theme.method)
        row.name = piece.label
        row.top_terms = piece.top_terms
        row.model_index = piece.id
        row.size = piece.size
        row.save()
        rows.append(row)
    theme_of = {}
    for row, piece in zip(rows, pieces, strict=True):
        for index in piece.member_indices:
            theme_of[index] = row
    similarity = model.similarities(texts)
    column = {t.id: c for c, t in enumerate(model.themes)}
    for i, member in enumerate(members):
        row = theme_of[i]
        member.theme = row
        member.distance = float(1.0 - similarity[i, column[row.model_index]])
    ThemeMember.objects.bulk_update(members, ["theme", "distance"], batch_size=2_000)
    _save_model(workspace, model)
    refresh_theme_figures(workspace)
    return list(live_themes(workspace).filter(pk__in=[r.pk for r in rows]))
