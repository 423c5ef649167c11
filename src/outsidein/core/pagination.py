"""Pages of a long list that never count the whole list.

Django's Paginator counts every matching row to say "page 3 of 8,000"; over a workspace with years of
conversations that count is a scan on every view. This one counts at most ``cap`` rows and, past
that, tells the truth it knows: "more than 1,000", and whether a next page exists (it reads one row
beyond the page to know).
"""

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet


class CappedPage(Page[Any]):
    def __init__(self, object_list: Sequence[Any], number: int, paginator: "CappedPaginator", *, has_more: bool,
                 ) -> None:
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        return self._has_more


class CappedPaginator(Paginator[Any]):
    def __init__(self, object_list: Any, per_page: int, cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap + 1`` when there are more than ``cap``."""
        rows = self.object_list
        if isinstance(rows, QuerySet):  # count ids only, without the list's order or per-row figures
            count: int = rows.order_by().values("pk")[: self.cap + 1].count()
            return count
        return len(rows[: self.cap + 1])

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.cap

    def validate_number(self, number: Any) -> int:
        if not self.count_is_capped:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            page_number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger("That page number is not an integer") from exc
        if page_number < 1:
            raise EmptyPage("That page number is less than 1")
        return page_number  # beyond the counted rows: page() finds out whether it has any

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> CappedPage:
        try:
            return super().get_page(number)  # type: ignore[return-value]  # Paginator.get_page calls self.page
        except EmptyPage:  # past the end of a list longer than counted: the last counted page exists
            return self.page(self.num_pages)
