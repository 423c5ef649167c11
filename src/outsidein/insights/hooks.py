"""Insights' part in feedback imports: new items are placed among the workspace's themes inside the import's job."""

from outsidein.feedback import after_import
from outsidein.feedback.models import ImportBatch
from outsidein.insights import themes


# Looked up when called, so the step always runs what the themes module holds.
def _place(batch: ImportBatch) -> None:
    themes.place_imported_items(batch)


def _placed(batch: ImportBatch) -> themes.BatchThemes | None:
    return themes.batch_themes(batch)


after_import.register(after_import.AfterImport(
    phase=themes.PLACING, run=_place, outcome=_placed, template="insights/_batch_themes.html",
))
