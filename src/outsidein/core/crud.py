"""List, detail, create, edit and delete pages for a workspace-owned model, from one description.

Each area describes its simple models as a ``Resource``; the views below do the scoping, searching,
paging and the calls to the shared write services, so every list page behaves the same way.
``form_page`` and ``delete_page`` are the create/edit and delete pages that every area's own views use too.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views import View
from django.views.generic import TemplateView

from outsidein.core import services
from outsidein.core.money import money_html
from outsidein.core.pickers import SluggedWorkspace
from outsidein.core.scoping import ScopedRequest, WorkspaceOwned, get_scoped, scoped


@dataclass(frozen=True)
class Column:
    label: str
    attr: str  # dotted path on the object, or a method name
    link: bool = False


@dataclass(frozen=True)
class Resource:
    model: type[WorkspaceOwned]
    form_class: type[Any]  # a form taking ``workspace=`` (core.forms.WorkspaceModelForm)
    slug: str  # URL part and name prefix, e.g. "account" -> /accounts/, "account-list"
    plural: str
    columns: Sequence[Column]
    search_fields: Sequence[str]
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str] = ()
    filters: Sequence[str] = ()  # query parameters that filter on a field of the same name (ids)
    detail_template: str = "core/resource_detail.html"
    detail_fields: Sequence[str] = ()
    detail_context: Callable[[Any, Any], dict[str, Any]] | None = None
    create: Callable[[Any, dict[str, Any], Any], Any] | None = None  # (workspace, data, user) -> the new row
    update: Callable[[Any, dict[str, Any], Any], Any] | None = None  # (row, data, user)
    delete: Callable[[Any], Any] | None = None
    extra_actions: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, url name) on the list

    @property
    def id_kwarg(self) -> str:
        return f"{self.slug}_id"

    def queryset(self, workspace: models.Model) -> QuerySet[Any]:
        qs: QuerySet[Any] = scoped(self.model, workspace)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


def resolve_attr(obj: Any, dotted: str, workspace: models.Model | None = None) -> Any:
    """The value shown for ``dotted`` on ``obj``; given the workspace, an amount carries its currency."""
    value = obj
    for part in dotted.split("."):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    if hasattr(value, "all"):
        value = ", ".join(str(v) for v in value.all())
    if isinstance(value, Decimal):
        # The only decimals these pages show are amounts of money (account revenue), kept in the workspace's currency.
        value = money_html(value, workspace) if workspace is not None else f"{value:,.0f}"
    return value


def add_validation_errors(form: BaseForm, exc: ValidationError) -> None:
    """Show a service's validation errors next to the fields they name, the rest on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def form_page[F: BaseForm](request: HttpRequest, form: F, save: Callable[[dict[str, Any]], Any], template: str = "",
                           context: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None, *,
                           success_url: str | Callable[[Any], str] | None = None,
                           message: str | Callable[[Any], str] | None = None,
                           page: Callable[[F, int], HttpResponse] | None = None,
                           empty_form: Callable[[], F] | None = None) -> HttpResponse:
    """Every page that creates or edits something: show the form; a valid post goes to ``save`` (a write service).

    What ``save`` returns is where the page goes next (its absolute URL unless ``success_url`` says otherwise),
    with ``message`` shown there. A ValidationError from the service shows next to the fields it names, and a
    page with errors answers 422, so one that keeps its input says so to scripts as well as to people.
    ``context`` may be a function, so that what only the page shows is not read when the post succeeds;
    ``page(form, status)`` draws a form that sits on a larger page (a detail page) instead of ``template``;
    with ``empty_form``, an htmx post that succeeds is answered with ``page`` and a new, empty form in place of a
    redirect, so the part it swaps in is ready for the next entry.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if message:
                messages.success(request, message(saved) if callable(message) else message)
            if empty_form is not None and page is not None and request.headers.get("HX-Request"):
                return page(empty_form(), 200)
            if success_url is None:
                return redirect(saved.get_absolute_url())
            return redirect(success_url(saved) if callable(success_url) else success_url)
    status = 422 if form.errors else 200
    if page is not None:
        return page(form, status)
    extra = context() if callable(context) else context or {}
    return render(request, template, {"form": form, **extra}, status=status)


def delete_page(request: HttpRequest, obj: Any, delete: Callable[[Any], Any], success_url: str, message: str,
                verbose_name: str = "") -> HttpResponse:
    """Every delete: asked for, a page naming what will go; posted, the service deletes it and the user moves on.

    ``success_url`` and ``message`` are worked out by the caller before anything is deleted.
    """
    if request.method == "POST":
        delete(obj)
        messages.success(request, message)
        return redirect(success_url)
    return render(request, "core/confirm_delete.html",
                  {"object": obj, "verbose_name": verbose_name or obj._meta.verbose_name})


class ResourceView(LoginRequiredMixin, View):
    resource: Resource | None = None  # given by as_view(resource=...) in resource_urls

    @property
    def described(self) -> Resource:
        assert self.resource is not None, "a resource view is made by resource_urls"
        return self.resource

    @property
    def workspace(self) -> models.Model:
        return cast(ScopedRequest, self.request).workspace

    def base_context(self) -> dict[str, Any]:
        r = self.described
        return {"resource": r, "verbose_name": r.model._meta.verbose_name, "plural": r.plural}

    def get_object(self) -> Any:
        return get_scoped(self.described.queryset(self.workspace), self.workspace,
                          pk=self.kwargs[self.described.id_kwarg])


class ResourceList(ResourceView, TemplateView):
    template_name = "core/resource_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        r = self.described
        qs = r.queryset(self.workspace)
        query = self.request.GET.get("q", "").strip()
        if query:
            condition = Q()
            for name in r.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            qs = qs.filter(condition)
        for name in r.filters:
            value = self.request.GET.get(name)
            if value and value.isdigit():
                qs = qs.filter(**{f"{name}_id": int(value)})
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        ws = self.workspace
        rows = [(obj, [resolve_attr(obj, c.attr, ws) for c in r.columns]) for obj in page.object_list]
        return {**self.base_context(), "page": page, "rows": rows, "query": query, "columns": r.columns}


class ResourceDetail(ResourceView, TemplateView):
    def get_template_names(self) -> list[str]:
        return [self.described.detail_template]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        obj = self.get_object()
        r = self.described
        fields = [
            (cast(models.Field[Any, Any], r.model._meta.get_field(name)).verbose_name,
             resolve_attr(obj, name, self.workspace))
            for name in r.detail_fields
        ]
        extra = r.detail_context(obj, self.request) if r.detail_context else {}
        return {**self.base_context(), "object": obj, "fields": fields, **extra}


class ResourceForm(ResourceView):
    editing = False

    def get(self, request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        r = self.described
        instance = self.get_object() if self.editing else None
        form = r.form_class(data=request.POST if request.method == "POST" else None, instance=instance,
                            workspace=request.workspace)

        def save(cleaned: dict[str, Any]) -> Any:
            data = {name: cleaned[name] for name in form.fields if name in cleaned}
            if instance is not None:
                return (r.update or (lambda o, d, user: services.update_owned(o, d)))(instance, data, request.user)
            create = r.create or (lambda ws, d, user: services.create_owned(r.model, ws, d))
            return create(request.workspace, data, request.user)

        def message(obj: Any) -> str:
            if instance is not None:
                return f"Saved “{obj}”."
            return f"{str(r.model._meta.verbose_name).capitalize()} “{obj}” created."

        return form_page(request, form, save, "core/resource_form.html",
                         {**self.base_context(), "object": instance}, message=message)

    post = get


class ResourceDelete(ResourceView):
    def get(self, request: ScopedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        r = self.described
        return delete_page(request, obj, r.delete or services.delete_owned,
                           reverse(f"{r.slug}-list", kwargs={"ws": cast(SluggedWorkspace, request.workspace).slug}),
                           f"Deleted “{obj}”.", verbose_name=str(r.model._meta.verbose_name))

    post = get


def resource_urls(resource: Resource, detail_view: type[View] | None = None) -> list[URLPattern]:
    """The five URL patterns of a resource: list, new, detail, edit, delete."""
    base = resource.plural.replace(" ", "-")
    key = f"<int:{resource.id_kwarg}>"

    def view(cls: type[View], **attrs: Any) -> Callable[..., Any]:
        return cls.as_view(resource=resource, **attrs)

    return [
        path(f"{base}/", view(ResourceList), name=f"{resource.slug}-list"),
        path(f"{base}/new/", view(ResourceForm), name=f"{resource.slug}-create"),
        path(f"{base}/{key}/", view(detail_view or ResourceDetail), name=f"{resource.slug}-detail"),
        path(f"{base}/{key}/edit/", view(ResourceForm, editing=True), name=f"{resource.slug}-edit"),
        path(f"{base}/{key}/delete/", view(ResourceDelete), name=f"{resource.slug}-delete"),
    ]
