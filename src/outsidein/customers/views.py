from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from outsidein.core import jobs
from outsidein.core.crud import Column, Resource, form_page
from outsidein.core.imports import first_rejected
from outsidein.core.pickers import render_options
from outsidein.core.scoping import get_scoped
from outsidein.customers import forms, imports, selectors, services
from outsidein.customers.models import Account, AccountImport, Competitor, Person, Product, Segment
from outsidein.workspaces.http import WorkspaceRequest


def _account_context(account, request) -> dict:
    return selectors.account_overview(account)


segments = Resource(
    model=Segment, form_class=forms.SegmentForm, slug="segment", plural="segments",
    columns=[Column("Name", "name", link=True), Column("Description", "description")],
    search_fields=["name", "description"], detail_fields=["name", "description"],
)
accounts = Resource(
    model=Account, form_class=forms.AccountForm, slug="account", plural="accounts",
    columns=[Column("Name", "name", link=True), Column("Segment", "segment"), Column("Tier", "tier"),
             Column("Annual revenue", "annual_revenue"), Column("Account manager", "account_manager")],
    search_fields=["name", "external_id", "notes"], select_related=["segment", "account_manager"],
    filters=["segment"], detail_template="customers/account_detail.html",
    detail_fields=["segment", "tier", "annual_revenue", "account_manager", "external_id", "website", "notes"],
    detail_context=_account_context, extra_actions=[("Import CSV", "account-import")],
)
persons = Resource(
    model=Person, form_class=forms.PersonForm, slug="person", plural="persons",
    columns=[Column("Name", "name", link=True), Column("Title", "title"), Column("Account", "account"),
             Column("Role", "role"), Column("E-mail", "email")],
    search_fields=["name", "email", "title", "account__name"], select_related=["account"],
    filters=["account"], detail_fields=["title", "email", "account", "role", "external_id", "notes"],
    extra_actions=[("Import CSV", "person-import")],
)
competitors = Resource(
    model=Competitor, form_class=forms.CompetitorForm, slug="competitor", plural="competitors",
    columns=[Column("Name", "name", link=True), Column("Class", "competitor_class"), Column("Aliases", "aliases")],
    search_fields=["name", "aliases", "competitor_class"],
    detail_fields=["competitor_class", "aliases", "notes"],
)
products = Resource(
    model=Product, form_class=forms.ProductForm, slug="product", plural="products",
    columns=[Column("Name", "name", link=True), Column("Class", "product_class"),
             Column("Target segments", "target_segments")],
    search_fields=["name", "product_class", "go_to_market"], prefetch_related=["target_segments"],
    detail_fields=["product_class", "target_segments", "non_target_segments", "go_to_market"],
    create=services.create_product, update=services.update_product,
)


@login_required
def import_csv(request: WorkspaceRequest, kind: str):
    """Upload a CSV of accounts or persons: checked at once, then imported by a background job whose page follows it."""
    # Bound on every POST, so pressing Import without choosing a file says so.
    form = forms.ImportForm(request.POST, request.FILES) if request.method == "POST" else forms.ImportForm()

    def upload_and_start(data: dict[str, Any]) -> AccountImport:
        try:
            row = imports.upload_import(request.workspace, request.user, kind, data["file"])
        except imports.FileRejected as exc:
            raise ValidationError(str(exc)) from exc  # about the whole file: shown above the form
        imports.start_import(row)
        return row

    return form_page(request, form, upload_and_start, "customers/import.html", {"kind": kind})


def _import_context(row: AccountImport, limit: int = 200) -> dict:
    rejected = [] if row.is_running else first_rejected(row.rejected_report, limit)
    return {"job": row, "kind": row.kind, "rejected": rejected}


@login_required
def import_detail(request: WorkspaceRequest, import_id: int, kind: str):
    """An import's progress and, once it is done, what it created, updated and rejected (line and reason)."""
    row = jobs.as_shown(get_scoped(AccountImport, request.workspace, pk=import_id, kind=kind))
    return render(request, "customers/import_detail.html", _import_context(row))


@login_required
def import_progress(request: WorkspaceRequest, import_id: int, kind: str):
    """The progress panel alone, polled by htmx every second while the import runs."""
    row = jobs.as_shown(get_scoped(AccountImport, request.workspace, pk=import_id, kind=kind))
    return render(request, "customers/_import_progress.html", _import_context(row))


@login_required
def account_search(request: WorkspaceRequest):
    """The options of an account picker for what has been typed (htmx)."""
    return render_options(request, selectors.search_accounts(request.workspace, request.GET.get("q", ""), request.user),
                          kind="account")


@login_required
def person_search(request: WorkspaceRequest):
    """The options of a person picker for what has been typed (htmx)."""
    return render_options(request, selectors.search_persons(request.workspace, request.GET.get("q", ""), request.user),
                          kind="person")
