"""CSV import of accounts and persons.

Every row is saved or rejected on its own (a savepoint each), so one bad row never loses the good
ones; rows are matched on external id (then e-mail or name), so running the same file twice
creates no duplicates.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, TextIO

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction

from outsidein.core import datafiles
from outsidein.customers.models import Account, Person, PersonRole, Segment, Tier
from outsidein.workspaces.models import Workspace


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.rejected)} rejected")


class RowError(ValueError):
    pass


def open_csv(raw: bytes | BinaryIO | TextIO, limits: datafiles.ImportLimits | None = None) -> csv.DictReader:
    """A reader over a CSV in the encoding it was saved in (UTF-8, with or without a BOM, Windows-1252…), within
    the import limits the feedback import has too."""
    limits = limits or datafiles.ImportLimits.current()
    try:
        if (size := getattr(raw, "size", None)) is not None:  # an upload knows its size before it is read
            datafiles.check_upload_size(size, limits)
        text = raw if isinstance(raw, io.TextIOBase) else _text(io.BytesIO(raw) if isinstance(raw, bytes) else raw)
    except datafiles.FileRejected as exc:
        raise RowError(str(exc)) from exc
    datafiles.set_csv_cell_limit(limits)
    reader = csv.DictReader(text)
    try:
        names = reader.fieldnames
    except csv.Error as exc:
        raise RowError(f"The header row cannot be read as CSV: {exc}.") from exc
    if not names:
        raise RowError("The file is empty: it needs a header row and at least one row.")
    try:
        datafiles.check_columns(len(names), limits)
    except datafiles.FileRejected as exc:
        raise RowError(str(exc)) from exc
    reader.fieldnames = [(name or "").strip().lower().replace(" ", "_") for name in names]
    return reader


def _text(stream: BinaryIO) -> TextIO:
    stream = getattr(stream, "file", stream)  # an upload's own file
    encoding = datafiles.detect_encoding(stream)
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding.reading_name, newline="")


def _require_columns(reader: csv.DictReader, required: Iterable[str]) -> None:
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        found = ", ".join(reader.fieldnames or [])
        raise RowError(f"Missing required column(s): {', '.join(missing)}. Found: {found}.")


def _choice(value: str, choices: type[models.Choices], column: str):
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for choice_value, label in choices.choices:
        if wanted in (choice_value.replace("_", " "), label.lower()):
            return choice_value
    allowed = ", ".join(label.lower() for _, label in choices.choices)
    raise RowError(f"{column} “{value}” is not one of: {allowed}.")


def _run(reader: csv.DictReader, save_row) -> ImportReport:
    report = ImportReport()
    for line, row, unreadable in datafiles.csv_rows(reader, datafiles.ImportLimits.current()):
        if unreadable:
            report.rejected.append(RejectedRow(line, unreadable))
            continue
        cleaned = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(cleaned.values()):
            continue
        try:
            with transaction.atomic():
                outcome = save_row(cleaned)
        except RowError as exc:
            report.rejected.append(RejectedRow(line, str(exc)))
            continue
        except ValidationError as exc:
            detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()) if hasattr(
                exc, "error_dict") else " ".join(exc.messages)
            report.rejected.append(RejectedRow(line, detail))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _apply(obj, values: dict) -> str:
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


def import_accounts(workspace: Workspace, raw: bytes | TextIO) -> ImportReport:
    reader = open_csv(raw)
    _require_columns(reader, ["name"])
    users = {u.email.lower(): u for u in get_user_model().objects.filter(memberships__workspace=workspace)}

    def save_row(row: dict) -> str:
        if not row.get("name"):
            raise RowError("name is empty.")
        values: dict = {"name": row["name"][:200]}
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

    return _run(reader, save_row)


def import_persons(workspace: Workspace, raw: bytes | TextIO) -> ImportReport:
    reader = open_csv(raw)
    _require_columns(reader, ["name"])
    accounts = Account.objects.filter(workspace=workspace)

    def save_row(row: dict) -> str:
        if not row.get("name"):
            raise RowError("name is empty.")
        values: dict = {"name": row["name"][:150]}
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

    return _run(reader, save_row)


IMPORTERS = {"accounts": import_accounts, "persons": import_persons}
