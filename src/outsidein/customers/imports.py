"""CSV import of accounts and persons: a background job on an ``AccountImport``.

The file is read as every import reads one (``core.imports``: in the encoding it was saved in, within the import
limits, each problem named with its line) and checked when it comes in (it can be read, it has a header with
a name column), so a file that cannot be imported is refused at once. Every row is then saved or rejected on
its own (a savepoint each), so one bad row never loses the good ones; rows are matched on external id (then
e-mail or name), so running the same file twice creates no duplicates. Rejected rows go to the import's
report with their line and reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from outsidein.core import datafiles, filestore, jobs
from outsidein.core.imports import DataFile, FileRejected, RejectedRows, RowError, RowStream, media_path
from outsidein.core.progress import Progress
from outsidein.customers.models import Account, AccountImport, Person, PersonRole, Segment, Tier
from outsidein.workspaces.models import Workspace

KINDS = tuple(AccountImport.Kind.values)
REQUIRED = ("name",)

# A row's values by column; returns which counter it belongs to (created, updated or unchanged).
SaveRow = Callable[[dict[str, str]], str]


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _require_columns(columns: list[str], required: Iterable[str] = REQUIRED) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise FileRejected(f"Missing required column(s): {', '.join(missing)}. Found: {', '.join(columns)}.")


def check_file(path: Path, encoding: str = "") -> str:
    """The encoding a CSV is read in, once it is known to be importable: readable text within the import limits,
    with a header naming the required columns. Raises FileRejected saying what is wrong."""
    data = DataFile(path, "csv", encoding=encoding)
    found = data.encoding
    columns, _ = data.preview(limit=0)
    _require_columns([_column(c) for c in columns])
    return found.name if found else ""


def upload_import(workspace: Workspace, user: Any, kind: str, uploaded: UploadedFile[bytes]) -> AccountImport:
    """Store an uploaded CSV and open its import (not started yet); FileRejected if it cannot be imported."""
    datafiles.check_upload_size(uploaded.size or 0)
    relative = f"imports/{workspace.pk}/{kind}-{uuid.uuid4().hex}.csv"
    path = filestore.save(relative, uploaded.chunks())
    try:
        encoding = check_file(path)
    except FileRejected:
        filestore.discard(relative)
        raise
    return AccountImport.objects.create(workspace=workspace, kind=kind, file_name=(uploaded.name or "")[:255],
                                        stored_file=relative, encoding=encoding, created_by=user)


def local_import(workspace: Workspace, kind: str, path: Path) -> AccountImport:
    """An import of a file on this machine (the command line): read in place, never copied."""
    encoding = check_file(path)
    return AccountImport.objects.create(workspace=workspace, kind=kind, file_name=path.name[:255],
                                        stored_file=str(path.resolve()), encoding=encoding)


def start_import(row: AccountImport) -> None:
    """Queue the import for a worker; its page follows the progress."""
    from outsidein.customers.tasks import import_accounts

    jobs.start_on(row, import_accounts)


def run_import(row: AccountImport, *also: Progress) -> AccountImport:
    """The body of the job (and of the command line import): every row of the file, then the row's outcome."""
    with jobs.tracked(row, *also) as progress:
        _import(row, progress)
    row.refresh_from_db()
    return row


def _import(row: AccountImport, progress: Progress) -> None:
    with DataFile(media_path(row.stored_file), "csv", encoding=row.encoding) as data:
        progress.start(data.measure())
        header, records = data.open()
        columns = [_column(c) for c in header]
        _require_columns(columns)
        saver = _save_account if row.kind == AccountImport.Kind.ACCOUNTS else _save_person
        save_row = saver(row.workspace)
        rejected = RejectedRows(f"imports/rejected/{row.kind}-{row.pk}.csv", header)
        counts = {"rows_created": 0, "rows_updated": 0, "rows_unchanged": 0, "rows_rejected": 0}

        def handle(cells: list[Any]) -> None:
            values = {c: v.strip() for c, v in zip(columns, cells, strict=True) if c}
            if not any(values.values()):
                return
            try:
                with transaction.atomic():
                    outcome = save_row(values)
            except ValidationError as exc:
                raise RowError(_reason(exc)) from exc
            counts[f"rows_{outcome}"] += 1

        stream: RowStream[None] = RowStream(handle, _nothing, chunk_rows=1, rejected=rejected, progress=progress,
                                            counts=counts)
        try:
            stream.run(records)
        finally:
            AccountImport.objects.filter(pk=row.pk).update(rejected_report=rejected.close(), rows_total=stream.done,
                                                           **counts)
            progress.advance(stream.done, **counts)


def _nothing(rows: list[None], done: int) -> None:
    """Each row is saved as it is read (``handle``): no chunk is left to write."""


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _choice(value: str, choices: type[models.TextChoices], column: str) -> str:
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for choice_value, label in choices.choices:
        if wanted in (choice_value.replace("_", " "), label.lower()):
            return str(choice_value)
    allowed = ", ".join(label.lower() for _, label in choices.choices)
    raise RowError(f"{column} “{value}” is not one of: {allowed}.")


def _apply(obj: models.Model, values: dict[str, Any]) -> str:
    """Set values on obj and save; returns which counter the row belongs to."""
    is_new = obj.pk is None
    changed = is_new or any(getattr(obj, k) != v for k, v in values.items())
    if not changed:
        return "unchanged"
    for k, v in values.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    return "created" if is_new else "updated"


def _save_account(workspace: Workspace) -> SaveRow:
    users = {u.email.lower(): u for u in get_user_model().objects.filter(memberships__workspace=workspace)}

    def save_row(row: dict[str, str]) -> str:
        if not row.get("name"):
            raise RowError("name is empty.")
        values: dict[str, Any] = {"name": row["name"][:200]}
        if row.get("segment"):
            values["segment"], _ = Segment.objects.get_or_create(workspace=workspace, name=row["segment"][:100])
        revenue = row.get("annual_revenue") or row.get("arr") or ""
        if revenue:
            try:
                values["annual_revenue"] = Decimal(revenue.replace(",", "").replace("$", "").replace("€", ""))
            except InvalidOperation as exc:
                raise RowError(f"annual_revenue “{revenue}” is not a number.") from exc
            if values["annual_revenue"] < 0:
                raise RowError(f"annual_revenue “{revenue}” is negative.")
        if row.get("tier"):
            values["tier"] = _choice(row["tier"], Tier, "tier")
        if row.get("account_manager"):
            manager = users.get(row["account_manager"].lower())
            if manager is None:
                raise RowError(f"account_manager “{row['account_manager']}” is not a member of this workspace.")
            values["account_manager"] = manager
        for name in ("website", "notes"):
            if row.get(name):
                values[name] = row[name]
        external_id = row.get("external_id", "")
        accounts = Account.objects.filter(workspace=workspace)
        existing = (accounts.filter(external_id=external_id).first() if external_id
                    else accounts.filter(name__iexact=values["name"]).first())
        if external_id:
            values["external_id"] = external_id[:100]
        return _apply(existing or Account(workspace=workspace), values)

    return save_row


def _save_person(workspace: Workspace) -> SaveRow:
    accounts = Account.objects.filter(workspace=workspace)

    def save_row(row: dict[str, str]) -> str:
        if not row.get("name"):
            raise RowError("name is empty.")
        values: dict[str, Any] = {"name": row["name"][:150]}
        for name in ("email", "title", "notes"):
            if row.get(name):
                values[name] = row[name].lower() if name == "email" else row[name]
        if row.get("role"):
            values["role"] = _choice(row["role"], PersonRole, "role")
        account_ref = row.get("account_external_id") or row.get("account")
        if account_ref:
            account = (accounts.filter(external_id=row["account_external_id"]).first()
                       if row.get("account_external_id") else accounts.filter(name__iexact=row["account"]).first())
            if account is None:
                raise RowError(f"account “{account_ref}” does not exist; import accounts first.")
            values["account"] = account
        external_id = row.get("external_id", "")
        persons = Person.objects.filter(workspace=workspace)
        if external_id:
            existing = persons.filter(external_id=external_id).first()
            values["external_id"] = external_id[:100]
        elif values.get("email"):
            existing = persons.filter(email=values["email"]).first()
        else:
            existing = persons.filter(name__iexact=values["name"], account=values.get("account")).first()
        return _apply(existing or Person(workspace=workspace), values)

    return save_row
