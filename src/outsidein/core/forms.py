from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from outsidein.core.scoping import WorkspaceOwned, scoped


def members_of(workspace: models.Model) -> models.QuerySet[AbstractBaseUser]:
    return get_user_model().objects.filter(memberships__workspace=workspace.pk).order_by("name", "email")


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
