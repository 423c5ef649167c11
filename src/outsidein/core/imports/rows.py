"""The row of an import job: what every file import keeps about its file and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from outsidein.core.jobs import JobRow


class ImportJob(JobRow):
    """A file through an import, as a background job: the file and the encoding it is read in, how many rows it
    rejected and the report saying why, who started it and when. Each import adds the counts of what it wrote."""

    file_name = models.CharField(max_length=255, blank=True)
    stored_file = models.CharField(max_length=500, blank=True, help_text="Path of the uploaded file under MEDIA_ROOT.")
    encoding = models.CharField(max_length=40, blank=True,
                                help_text="The text encoding the file is read in (utf-8, cp1252…); blank for XLSX.")
    rows_rejected = models.PositiveIntegerField(default=0)
    rejected_report = models.CharField(
        max_length=500, blank=True, help_text="CSV of rejected rows (line, reason, row) under MEDIA_ROOT."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
