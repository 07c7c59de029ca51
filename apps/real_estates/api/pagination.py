"""The list's page-number pagination: its `count` cached (apps/real_estates/list_cache.py), its
page statement compiled once per thread and key (`querysets.page_rows`)."""

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.request import Request

from apps.core.pagination import PageNumberPagination
from apps.real_estates import list_cache
from apps.real_estates.querysets import page_rows, visibility

# Query parameters that choose a page or its order, not which rows are counted.
_NOT_FILTERS = frozenset({"page", "page_size", "ordering"})


def count_key(request: Request) -> str:
    """What decides a list's rows: the caller's visibility scope and the filter parameters
    (validated by the FilterSet before the page is counted)."""
    filters = sorted(
        (name, value)
        for name, values in request.query_params.lists()
        if name not in _NOT_FILTERS
        for value in values
    )
    return f"{visibility(request.user)}|{filters!r}"


def page_key(request: Request, rows_key: str) -> tuple[str, tuple[str, ...]]:
    """What decides a page's statement, but for its bounds: the rows' key (`count_key`) and the
    ordering. The view builds the list's queryset from nothing else (`RealEstateViewSet.
    get_queryset` and the FilterSet), so the statement is the same for the same key."""
    return rows_key, tuple(request.query_params.getlist("ordering"))


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, *args: Any, count_key: str | None = None, page_key: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.page_key = page_key

    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list
        return list_cache.cached_count(object_list, key=self.count_key)

    def page(self, number: Any) -> Page[Any]:
        page = super().page(number)
        rows = page.object_list
        if self.page_key is not None and isinstance(rows, QuerySet):
            query = rows.query
            page.object_list = page_rows(rows, (self.page_key, query.low_mark, query.high_mark))
        return page


class RealEstatePagination(PageNumberPagination):
    django_paginator_class = CachedCountPaginator

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        rows_key = count_key(request)
        self.django_paginator_class = partial(  # type: ignore[assignment]
            CachedCountPaginator, count_key=rows_key, page_key=page_key(request, rows_key)
        )
        return super().paginate_queryset(queryset, request, view)
