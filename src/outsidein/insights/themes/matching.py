"""Texts of the workspace that say what a given phrase says, found with the themes' own model: the phrase is placed
among the themes, and the closest members of its nearest themes are ranked by how close each is to the phrase.

Other areas use it to propose evidence (a journey's touchpoint: "invoice arrives, matches the quote"); it reads a
bounded number of members whatever the workspace's size, and nothing when there is no fitted model yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from outsidein.core.scoping import scoped
from outsidein.core.words import wording
from outsidein.insights.models import Theme, ThemeMember
from outsidein.insights.themes.selectors import ThemeItem, _items
from outsidein.insights.themes.stored_vectors import StoredEncoder
from outsidein.insights.themes.texts import load_model, member_key
from outsidein.workspaces.models import Workspace

NEAREST_THEMES = 3
MEMBERS_PER_THEME = 300  # of each near theme, those closest to its centre are ranked against the phrase
# How close a text must be to the phrase to count as saying the same, per text model (cosine similarity). Sentence
# embeddings put texts on other topics below 0.3 and the same topic in other words above 0.4; in TF-IDF's reduced
# space a word stem in common ("arrives", "arrived") alone reaches 0.15-0.25, a shared subject 0.4 and more.
CLOSE_ENOUGH = {"embeddings": 0.35, "tfidf": 0.3}


@dataclass(frozen=True)
class Match:
    item: ThemeItem
    theme: Theme
    similarity: float  # cosine similarity of the item's text to the phrase, in the themes' vector space


def matching_items(workspace: Workspace, phrase: str, *, limit: int = 10) -> list[Match]:
    """The workspace's themed texts close enough to ``phrase``, closest first, each wording once (at most
    ``limit``); empty when no theme analysis has run."""
    model = load_model(workspace)
    if model is None or not model.themes or not phrase.strip():
        return []
    if model.method == "embeddings":
        model.encoder = StoredEncoder(workspace)
    wanted = model.vectors([phrase])[0]
    if not np.any(wanted):
        return []
    nearest = np.argsort(-(model.centroids @ wanted))[:NEAREST_THEMES]
    indices = [model.themes[i].id for i in nearest]
    themes = {t.model_index: t for t in scoped(Theme, workspace).filter(model_index__in=indices,
                                                                       merged_into__isnull=True)}
    members: list[tuple[tuple[str, int], Theme]] = []
    for index in indices:
        if (theme := themes.get(index)) is None:
            continue
        rows = (scoped(ThemeMember, workspace).filter(theme=theme).order_by("distance", "id")
                .values_list("feedback_item_id", "highlight_id")[:MEMBERS_PER_THEME])
        members.extend((member_key(f, h), theme) for f, h in rows)
    items = {(i.kind, i.id): i for i in _items(workspace, [ref for ref, _ in members])}
    kept = [(items[ref], theme) for ref, theme in members if ref in items and items[ref].text.strip()]
    if not kept:
        return []
    similarity = model.vectors([item.text for item, _ in kept]) @ wanted
    ranked = sorted(zip(similarity.tolist(), range(len(kept)), strict=True), reverse=True)
    bar = CLOSE_ENOUGH.get(model.method, 0.2)
    found: list[Match] = []
    wordings: set[str] = set()
    for s, i in ranked:
        item, theme = kept[i]
        said = wording(item.text)
        if s < bar or len(found) == limit:
            break
        if said not in wordings:  # the same words in many items (a form reply) are one match, not many
            wordings.add(said)
            found.append(Match(item, theme, round(float(s), 4)))
    return found
