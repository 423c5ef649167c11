"""A full theme analysis: run now or queued as a job tracked on a ThemeAnalysis row (its status is read in
``selectors``)."""

from __future__ import annotations

import logging
from collections import defaultdict

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task

from outsidein.core import jobs
from outsidein.core.progress import Progress
from outsidein.core.scoping import scoped
from outsidein.insights.analysis import embeddings
from outsidein.insights.analysis.themes import (
    METHODS,
    UNASSIGNED,
    fit_themes,
)
from outsidein.insights.models import Theme, ThemeAnalysis, ThemeMember
from outsidein.insights.themes.figures import refresh_theme_figures
from outsidein.insights.themes.selectors import latest_analysis
from outsidein.insights.themes.stored_vectors import StoredEncoder, tidy_store
from outsidein.insights.themes.texts import (
    _centroid_similarity,
    _member,
    _save_model,
    corpus,
    live_themes,
    member_key,
)
from outsidein.workspaces.models import User, Workspace

logger = logging.getLogger(__name__)


MAX_THEMES = 100
MIN_TEXTS = 2
# The steps a full analysis reports as its progress; fitting is one computation, so texts are not counted.
ANALYSIS_STEPS = ("texts read", "vectorised", "k chosen", "clustered", "themes saved with labels and quotes")
# -- full analysis -------------------------------------------------------------------------------------------


def check_method(method: str | None) -> str:
    """The method asked for, or the default where none was; refused if unknown or not installed here."""
    method = method or embeddings.default_method()
    if method not in METHODS:
        raise ValidationError({"method": f"Choose one of {', '.join(METHODS)}."})
    if method == "embeddings" and not embeddings.is_available():
        raise ValidationError({"method": "Sentence embeddings are not installed here (the all-MiniLM-L6-v2 model "
                                         "package); use the word-pattern method (tfidf)."})
    return method


def check_k(k: int | None) -> None:
    if k is not None and not 2 <= k <= MAX_THEMES:
        raise ValidationError({"k": f"Choose between 2 and {MAX_THEMES} themes, or leave it blank to let the "
                                    "data decide."})


def run_theme_analysis(workspace: Workspace, *, k: int | None = None, method: str | None = None,
                       progress: Progress | None = None) -> list[Theme]:
    """Fit themes over the whole workspace and replace its themes (the names people gave are kept when a
    new theme is mostly the same items as a renamed old one). Returns the new themes, largest first.

    Raises ``JobFailed`` when there is nothing to find themes in; the workspace's themes are then left as
    they were.
    """
    method = check_method(method)
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
    encoder = None
    if method == "embeddings":
        tidy_store(workspace, len(texts))
        encoder = StoredEncoder(workspace)
    model = fit_themes(texts, k=k, method=method, encoder=encoder, on_step=steps.done)
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

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        if progress:
            progress.start(len(ANALYSIS_STEPS))

    def done(self, step: str) -> None:
        if self.progress and step in ANALYSIS_STEPS:
            self.progress.advance(ANALYSIS_STEPS.index(step) + 1)


def _renamed_themes(workspace: Workspace) -> list[tuple[str, set[tuple[str, int]]]]:
    """Themes whose name a person chose, with their items."""
    renamed = dict(live_themes(workspace).filter(named_by_person=True).values_list("pk", "name"))
    items: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for theme_id, feedback_id, highlight_id in scoped(ThemeMember, workspace).filter(
            theme_id__in=renamed).values_list("theme_id", "feedback_item_id", "highlight_id"):
        items[theme_id].add(member_key(feedback_id, highlight_id))
    return [(name, items[pk]) for pk, name in renamed.items() if items[pk]]


def _restore_names(kept: list[tuple[str, set[tuple[str, int]]]], themes: list[Theme],
                   members: list[ThemeMember]) -> None:
    if not kept:
        return
    items: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for m in members:
        items[id(m.theme)].add(member_key(m.feedback_item_id, m.highlight_id))
    renamed: list[Theme] = []
    for theme in themes:
        new = items[id(theme)]
        for name, old in kept:
            # More than half of the union in common: the same theme, found again.
            if new and len(new & old) / len(new | old) > 0.5:
                theme.name, theme.named_by_person = name, True
                renamed.append(theme)
                break
    # A found theme called what a person named another one gives way, so names stay unique.
    given = {t.name.lower() for t in renamed}
    for theme in themes:
        if theme not in renamed and theme.name.lower() in given:
            theme.name = f"{theme.name} (found)"
            renamed.append(theme)
    Theme.objects.bulk_update(renamed, ["name", "named_by_person"])


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


def start_theme_analysis(workspace: Workspace, actor: User | None = None, *, k: int | None = None,
                         method: str | None = None) -> ThemeAnalysis:
    """Queue a full theme analysis for a worker (input is checked here, so a bad choice fails at once)."""
    method = check_method(method)
    check_k(k)
    latest = latest_analysis(workspace)
    # A run whose worker stopped is failed here rather than left blocking this one.
    if latest is not None and jobs.recover_if_stopped(latest).is_running:
        raise ValidationError("A theme analysis of this workspace is already running; wait for it to finish.")
    analysis = ThemeAnalysis.objects.create(workspace=workspace, k=k, method=method, created_by=actor)
    jobs.start_on(analysis, theme_analysis_job)
    analysis.refresh_from_db()
    return analysis
