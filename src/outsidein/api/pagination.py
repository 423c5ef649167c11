"""The one pagination of API lists: ``limit`` and ``offset``, both bounded so a database can take them."""

from django.conf import settings
from ninja import Field
from ninja.pagination import LimitOffsetPagination

from outsidein.api.inputs import MAX_INT, InputSchema


class Page(LimitOffsetPagination):
    """``limit`` rows from ``offset``; an offset past 64 bits is a 422 naming it, not an error in the database."""

    class Input(InputSchema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_INT)
