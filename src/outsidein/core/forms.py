from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db import models

from outsidein.core.scoping import WorkspaceOwned, scoped


def members_of(workspace: models.Model) -> models.QuerySet[Any]:
    return get_user_model().objects.filter(memberships__workspace=workspace.pk).order_by("name", "email")


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field ``name``, a model choice field: ``form.fields`` only promises a plain field."""
    return cast(forms.ModelChoiceField[Any], form.fields[name])


def label_choices(form: forms.BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """Show each row the model choice field ``name`` offers as ``label(row)``."""
    # Django's own hook, replaced on this one field rather than by a subclass per label.
    form.fields[name].label_from_instance = label  # type: ignore[attr-defined]


class WorkspaceModelForm(forms.ModelForm[Any]):
    """A model form whose choices offer only rows of the current workspace (and its members)."""

    def __init__(self, *args: Any, workspace: models.Model, **kwargs: Any) -> None:
        self.workspace = workspace
        super().__init__(*args, **kwargs)
        user_model = get_user_model()
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                model = field.queryset.model
                if issubclass(model, WorkspaceOwned):
                    field.queryset = scoped(field.queryset, workspace)
                elif model is user_model:
                    field.queryset = members_of(workspace)
