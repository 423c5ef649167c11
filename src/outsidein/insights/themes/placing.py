"""New items placed among the existing themes without a re-fit (what is not placed yet is counted in
``selectors``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from outsidein.core.scoping import scoped
from outsidein.feedback.models import ImportBatch
from outsidein.insights.analysis.themes import (
    UNASSIGNED,
)
from outsidein.insights.models import ThemeMember, ThemeModelState
from outsidein.insights.themes.figures import refresh_theme_figures
from outsidein.insights.themes.texts import _member, corpus, live_themes, load_model
from outsidein.workspaces.models import Workspace

logger = logging.getLogger(__name__)


# -- new items ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    assigned: int
    unassigned: int  # items no theme is close enough to: something new, found by the next full analysis


# Tries of placing new items when texts vanish under it (deleted while it ran): each try reads the texts afresh.
ASSIGN_TRIES = 3


def assign_new_items(workspace: Workspace) -> Assignment:
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
def _assign_new_items(workspace: Workspace) -> Assignment:
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


def place_imported_items(batch: ImportBatch) -> Assignment | None:
    """After an import: the new items join the workspace's existing themes (no re-fit).

    The one step both the background import and ``outsidein import feedback`` take once the rows are in.
    None when there is nothing to place them among (no fitted theme model) or the import created nothing.
    """
    if not batch.rows_created:
        return None
    if not scoped(ThemeModelState, batch.workspace).exists():
        return None
    return assign_new_items(batch.workspace)
