"""The ground's own tables: files kept where every machine can read them (``core.filestore``)."""

from django.db import models
from django.utils import timezone


class SharedFile(models.Model):
    """A file an import keeps (an upload, a rejected-rows report), by the name it has under MEDIA_ROOT."""

    name = models.CharField(max_length=500, unique=True)
    size = models.PositiveBigIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class SharedFileChunk(models.Model):
    """One piece of a shared file, in order: a file of hundreds of megabytes is written and read a piece at a time."""

    file = models.ForeignKey(SharedFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="shared_file_chunk_seq")]

    def __str__(self) -> str:
        return f"{self.file_id} #{self.seq}"
