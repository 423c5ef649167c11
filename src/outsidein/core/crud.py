"""List, detail, create, edit and delete pages for a workspace-owned model, from one description.

Each area describes its simple models as a ``Resource``; the views below do the scoping, searching,
paging and the calls to the shared write services, so every list page behaves the same way.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from outsidein.core import services
from outsidein.core.money import money_html
from outsidein.core.scoping import get_scoped, scoped


@dataclass(frozen=True)
class Column:
    label: str
    attr: str  # dotted path on the object, or a method name
    link: bool = False


@dataclass(frozen=True)
class Resource:
    model: type
    form_class: type
    slug: str  # URL part and name prefix, e.g. "account" -> /accounts/, "account-list"
    plural: str
    columns: Sequence[Column]
    search_fields: Sequence[str]
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str] = ()
    filters: Sequence[str] = ()  # query parameters that filter on a field of the same name (ids)
    detail_template: str = "core/resource_detail.html"
    detail_fields: Sequence[str] = ()
    detail_context: Callable[[Any, Any], dict] | None = None
    create: Callable | None = None
    update: Callable | None = None
    delete: Callable | None = None
    extra_actions: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (label, url name) on the list

    @property
    def id_kwarg(self) -> str:
        return f"{self.slug}_id"

    def queryset(self, workspace) -> QuerySet:
        qs = scoped(self.model, workspace)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


def resolve_attr(obj: Any, dotted: str, workspace=None) -> Any:
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


def add_validation_errors(form, exc: ValidationError) -> None:
    """Show a service's validation errors next to the fields they name, the rest on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def service_form_page(request, form, save: Callable[[dict], Any], template: str, context: dict):
    """A form page whose posted, valid data goes to a write service; then to the page of what it saved.

    The service's ValidationError shows next to the fields it names, and any error answers 422, so a
    page that keeps its input says so to scripts as well as to people.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            return redirect(saved.get_absolute_url())
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


class ResourceView(LoginRequiredMixin, View):
    resource: Resource | None = None

    def base_context(self) -> dict:
        r = self.resource
        return {"resource": r, "verbose_name": r.model._meta.verbose_name, "plural": r.plural}

    def get_object(self):
        return get_scoped(self.resource.queryset(self.request.workspace), self.request.workspace,
                          pk=self.kwargs[self.resource.id_kwarg])


class ResourceList(ResourceView, TemplateView):
    template_name = "core/resource_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        r = self.resource
        qs = r.queryset(self.request.workspace)
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
        ws = self.request.workspace
        rows = [(obj, [resolve_attr(obj, c.attr, ws) for c in r.columns]) for obj in page.object_list]
        return {**self.base_context(), "page": page, "rows": rows, "query": query, "columns": r.columns}


class ResourceDetail(ResourceView, TemplateView):
    def get_template_names(self):
        return [self.resource.detail_template]

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        r = self.resource
        fields = [
            (r.model._meta.get_field(name).verbose_name, resolve_attr(obj, name, self.request.workspace))
            for name in r.detail_fields
        ]
        extra = r.detail_context(obj, self.request) if r.detail_context else {}
        return {**self.base_context(), "object": obj, "fields": fields, **extra}


class ResourceForm(ResourceView, TemplateView):
    template_name = "core/resource_form.html"
    editing = False

    def form(self, data=None, instance=None):
        return self.resource.form_class(data=data, instance=instance, workspace=self.request.workspace)

    def get(self, request, *args, **kwargs):
        instance = self.get_object() if self.editing else None
        return self.render_to_response({**self.base_context(), "form": self.form(instance=instance),
                                        "object": instance})

    def post(self, request, *args, **kwargs):
        instance = self.get_object() if self.editing else None
        form = self.form(data=request.POST, instance=instance)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
            try:
                if instance is None:
                    create = self.resource.create or (lambda ws, d, user: services.create_owned(
                        self.resource.model, ws, d))
                    obj = create(request.workspace, data, request.user)
                    messages.success(request, f"{self.resource.model._meta.verbose_name.capitalize()} “{obj}” created.")
                else:
                    update = self.resource.update or (lambda o, d, user: services.update_owned(o, d))
                    obj = update(instance, data, request.user)
                    messages.success(request, f"Saved “{obj}”.")
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                return redirect(obj.get_absolute_url())
        return self.render_to_response({**self.base_context(), "form": form, "object": instance}, status=422)


class ResourceDelete(ResourceView, TemplateView):
    template_name = "core/resource_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return {**self.base_context(), "object": self.get_object()}

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = str(obj)
        (self.resource.delete or services.delete_owned)(obj)
        messages.success(request, f"Deleted “{name}”.")
        return redirect(reverse(f"{self.resource.slug}-list", kwargs={"ws": request.workspace.slug}))


def resource_urls(resource: Resource, detail_view: type[View] | None = None) -> list:
    """The five URL patterns of a resource: list, new, detail, edit, delete."""
    base = resource.plural.replace(" ", "-")
    key = f"<int:{resource.id_kwarg}>"

    def view(cls: type[View], **attrs):
        return cls.as_view(resource=resource, **attrs)

    return [
        path(f"{base}/", view(ResourceList), name=f"{resource.slug}-list"),
        path(f"{base}/new/", view(ResourceForm), name=f"{resource.slug}-create"),
        path(f"{base}/{key}/", view(detail_view or ResourceDetail), name=f"{resource.slug}-detail"),
        path(f"{base}/{key}/edit/", view(ResourceForm, editing=True), name=f"{resource.slug}-edit"),
        path(f"{base}/{key}/delete/", view(ResourceDelete), name=f"{resource.slug}-delete"),
    ]
