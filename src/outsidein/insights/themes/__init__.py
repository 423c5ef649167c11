"""Themes of a workspace: found in its feedback texts and highlights, kept current, edited by people.

A full analysis (``run_theme_analysis``; from a page, ``start_theme_analysis`` queues it as a job tracked on a
``ThemeAnalysis`` row, see core.jobs) fits a ``ThemeModel`` over every
feedback item with text and every highlight, replaces the workspace's themes and stores the fitted model,
so ``assign_new_items`` places what arrives later among the same themes without a re-fit. People rename,
merge and split themes; the stored model follows merges and splits so later assignments respect them.

The database rows are the truth about membership (``ThemeMember``); the stored model only keeps what
placing a new text needs (centroids, vocabulary), not the member lists of the fit.

``texts`` reads the texts, the live themes and the stored model; ``runs`` fits a full analysis, ``placing`` adds new
items to its themes, ``figures`` keeps each theme's figures and ``editing`` renames, merges and splits;
``selectors`` holds the reads: a theme's items, what is not placed yet, the analysis's status.
This module names what the rest of the product uses.
"""

from outsidein.insights.themes.editing import MAX_SPLIT_PARTS, merge_themes, rename_theme, split_theme
from outsidein.insights.themes.figures import refresh_theme_figures
from outsidein.insights.themes.matching import Match, matching_items
from outsidein.insights.themes.placing import Assignment, assign_new_items, place_imported_items
from outsidein.insights.themes.runs import (
    ANALYSIS_STEPS,
    MAX_THEMES,
    check_k,
    check_method,
    run_theme_analysis,
    start_theme_analysis,
    theme_analysis_job,
)
from outsidein.insights.themes.selectors import (
    PLACING,
    AnalysisStatus,
    BatchThemes,
    ThemeItem,
    analysis_status,
    batch_themes,
    latest_analysis,
    representative_quotes,
    representative_quotes_of,
    text_count,
    theme_items,
    unthemed_count,
)
from outsidein.insights.themes.texts import (
    FEEDBACK,
    HIGHLIGHT,
    Subject,
    _centroid_similarity,
    _save_model,
    corpus,
    live_themes,
    load_model,
)

__all__ = [
    "ANALYSIS_STEPS", "FEEDBACK", "HIGHLIGHT", "MAX_SPLIT_PARTS", "MAX_THEMES", "PLACING", "AnalysisStatus",
    "Assignment", "BatchThemes", "Match", "Subject", "ThemeItem", "_centroid_similarity", "_save_model",
    "analysis_status",
    "assign_new_items", "batch_themes", "check_k", "check_method", "corpus", "latest_analysis", "live_themes",
    "load_model", "matching_items", "merge_themes", "place_imported_items", "refresh_theme_figures",
    "rename_theme", "representative_quotes", "representative_quotes_of", "run_theme_analysis",
    "split_theme", "start_theme_analysis", "text_count", "theme_analysis_job", "theme_items", "unthemed_count",
]
