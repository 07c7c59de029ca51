"""The list's page-number pagination, its `count` cached under the validated meaning of the
request (apps/real_estates/list_cache.py)."""

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Paginator
from rest_framework.request import Request

from apps.core.pagination import PageNumberPagination
from apps.real_estates import list_cache
from apps.real_estates.querysets import visibility


def rows_key(request: Request, view: Any) -> str:
    """What decides which rows a list counts: the caller's visibility and the validated filters
    the filter backend left on the view (the ordering changes no count)."""
    filters = {name: value for name, value in getattr(view, "filters", {}).items() if name != "ordering"}
    return list_cache.filters_key(scope=visibility(request.user), filters=filters)


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, *args: Any, count_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        return list_cache.cached_count(self.object_list, key=self.count_key)  # type: ignore[arg-type]


class RealEstatePagination(PageNumberPagination):
    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.django_paginator_class = partial(  # type: ignore[assignment]
            CachedCountPaginator, count_key=rows_key(request, view)
        )
        return super().paginate_queryset(queryset, request, view)
