"""The shared file store: a file kept on one machine is read on another (another MEDIA_ROOT), whole and current."""

from outsidein.core import filestore
from outsidein.core.models import SharedFile


def test_a_file_saved_on_one_machine_is_read_whole_on_another(db, settings, tmp_path):
    settings.FILE_STORE = "database"
    settings.MEDIA_ROOT = tmp_path / "one"
    body = bytes(range(256)) * 9_000  # more than two pieces
    filestore.save("imports/1/a.csv", [body[:1000], body[1000:]])
    assert SharedFile.objects.get(name="imports/1/a.csv").chunks.count() == 3

    settings.MEDIA_ROOT = tmp_path / "two"
    path = filestore.path_of("imports/1/a.csv")
    assert path == tmp_path / "two" / "imports/1/a.csv" and path.read_bytes() == body
    assert [p.name for p in path.parent.iterdir()] == ["a.csv"]  # no piece of the fetch left beside it


def test_a_report_written_again_is_fetched_again(db, settings, tmp_path):
    settings.FILE_STORE = "database"
    settings.MEDIA_ROOT = tmp_path / "worker"
    filestore.save("imports/rejected/1.csv", [b"line,reason\n2,bad\n"])
    settings.MEDIA_ROOT = tmp_path / "web"
    assert filestore.path_of("imports/rejected/1.csv").read_bytes() == b"line,reason\n2,bad\n"

    settings.MEDIA_ROOT = tmp_path / "worker"  # a resumed import writes the whole report again
    filestore.save("imports/rejected/1.csv", [b"line,reason\n2,bad\n9,worse\n"])
    settings.MEDIA_ROOT = tmp_path / "web"
    assert filestore.path_of("imports/rejected/1.csv").read_bytes() == b"line,reason\n2,bad\n9,worse\n"
    settings.MEDIA_ROOT = tmp_path / "worker"  # the same size, other rows
    filestore.save("imports/rejected/1.csv", [b"line,reason\n3,bad\n8,worse\n"])
    settings.MEDIA_ROOT = tmp_path / "web"
    assert filestore.path_of("imports/rejected/1.csv").read_bytes() == b"line,reason\n3,bad\n8,worse\n"


def test_on_one_machine_files_stay_in_the_data_directory_only(db, settings, tmp_path):
    settings.FILE_STORE = "files"
    settings.MEDIA_ROOT = tmp_path
    filestore.save("imports/1/b.csv", [b"id\n1\n"])
    assert not SharedFile.objects.exists() and (tmp_path / "imports/1/b.csv").read_bytes() == b"id\n1\n"
    filestore.discard("imports/1/b.csv")
    assert not (tmp_path / "imports/1/b.csv").exists()


def test_a_discarded_upload_is_gone_from_every_machine(db, settings, tmp_path):
    settings.FILE_STORE = "database"
    settings.MEDIA_ROOT = tmp_path
    filestore.save("imports/1/c.csv", [b"x"])
    filestore.discard("imports/1/c.csv")
    assert not SharedFile.objects.exists() and not (tmp_path / "imports/1/c.csv").exists()
