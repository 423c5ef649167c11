"""Use cases for customers that need a rule beyond the shared writes of ``outsidein.core.services``."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from outsidein.core import services
from outsidein.customers.models import Product
from outsidein.workspaces.models import Workspace


def _check_targets(product: Product | None, data: Mapping[str, Any]) -> None:
    """A segment is a target of a product or not; never both (pages and API alike)."""
    target = data.get("target_segments", product.target_segments.all() if product else [])
    non_target = data.get("non_target_segments", product.non_target_segments.all() if product else [])
    both = {s.pk: s for s in target}.keys() & {s.pk: s for s in non_target}.keys()
    if both:
        names = ", ".join(sorted(s.name for s in target if s.pk in both))
        raise ValidationError({"non_target_segments": f"A segment cannot be both a target and not a target: {names}."})


def create_product(workspace: Workspace, data: Mapping[str, Any], user=None) -> Product:
    _check_targets(None, data)
    return services.create_owned(Product, workspace, data)


def update_product(product: Product, data: Mapping[str, Any], user=None) -> Product:
    _check_targets(product, data)
    return services.update_owned(product, data)
