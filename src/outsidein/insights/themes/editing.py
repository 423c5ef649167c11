"""Themes edited by people: renamed, merged and split; the stored model follows merges and splits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from outsidein.core.scoping import assert_same_workspace, scoped
from outsidein.insights.analysis.themes import (
    ThemeModel,
    TooAlikeToSplit,
)
from outsidein.insights.models import Theme, ThemeMember
from outsidein.insights.themes.figures import refresh_theme_figures
from outsidein.insights.themes.texts import (
    MAX_TEXT_CHARS,
    _centroid_similarity,
    _save_model,
    live_themes,
    load_model,
)

MAX_SPLIT_PARTS = 10
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
    limit = Theme._meta.get_field("name").max_length
    if limit is not None and len(name) > limit:
        raise ValidationError({"name": "Keep the name under 200 characters."})
    _check_name_is_free(theme, name, "name")
    theme.name = name
    theme.named_by_person = True
    theme.save(update_fields=["name", "named_by_person"])
    return theme


def _check_name_is_free(theme: Theme, name: str, field: str) -> None:
    """Theme names are unique in a workspace: two themes called the same are one theme to a reader."""
    if live_themes(theme.workspace).filter(name__iexact=name).exclude(pk=theme.pk).exists():
        raise ValidationError({field: f"Another theme is already called “{name}”; merge the two, or choose "
                                      "another name."})


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
    keep_index, other_index = keep.model_index, other.model_index
    if (model is not None and keep_index is not None and other_index is not None
            and {keep_index, other_index} <= {t.id for t in model.themes}):
        model.theme(keep_index).size = keep.size
        model.theme(other_index).size = other.size
        model.merge([keep_index, other_index])
        _save_model(workspace, model)
    other.members.update(theme=keep)
    other.merged_into = keep
    other.model_index = None
    other.size = 0
    other.save(update_fields=["merged_into", "model_index", "size"])
    scoped(Theme, workspace).filter(merged_into=other).update(merged_into=keep)
    if name and name.strip():
        keep.name = " ".join(name.split())
        keep.named_by_person = True
        keep.save(update_fields=["name", "named_by_person"])
    if model is not None and keep.model_index is not None:
        _replace_distances(keep, keep.model_index, model)
    refresh_theme_figures(workspace)
    keep.refresh_from_db()
    return keep


def _text(member: ThemeMember) -> str:
    """The text of a member's feedback item, else of its highlight."""
    subject = member.feedback_item if member.feedback_item_id else member.highlight
    assert subject is not None  # a member has an item or a highlight (theme_member_has_subject)
    return subject.text


def _member_texts(theme: Theme) -> tuple[list[ThemeMember], list[str]]:
    members = list(theme.members.select_related("feedback_item", "highlight").order_by("id"))
    texts = [_text(m)[:MAX_TEXT_CHARS] for m in members]
    return members, texts


def _replace_distances(theme: Theme, model_index: int, model: ThemeModel) -> None:
    """The distance of each of the theme's members from its centre in the model (the theme ``model_index`` there)."""
    members, texts = _member_texts(theme)
    similarity = _centroid_similarity(model, texts, [model_index] * len(texts))
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
        row.named_by_person = False
        row.top_terms = piece.top_terms
        row.model_index = piece.id
        row.size = piece.size
        row.save()
        rows.append(row)
    # Each member's new theme: its row, and the theme's id in the model (the row's model_index).
    theme_of: dict[int, tuple[Theme, int]] = {}
    for row, piece in zip(rows, pieces, strict=True):
        for index in piece.member_indices:
            theme_of[index] = (row, piece.id)
    similarity = model.similarities(texts)
    column = {t.id: c for c, t in enumerate(model.themes)}
    for i, member in enumerate(members):
        row, model_index = theme_of[i]
        member.theme = row
        member.distance = float(1.0 - similarity[i, column[model_index]])
    ThemeMember.objects.bulk_update(members, ["theme", "distance"], batch_size=2_000)
    _save_model(workspace, model)
    refresh_theme_figures(workspace)
    return list(live_themes(workspace).filter(pk__in=[r.pk for r in rows]))
