"""The list's page-number pagination, with its `count` cached (apps/real_estates/list_cache.py)."""

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Paginator
from rest_framework.request import Request

from apps.core.pagination import PageNumberPagination
from apps.real_estates import list_cache

# Query parameters that choose a page or its order, not which rows are counted.
_NOT_FILTERS = frozenset({"page", "page_size", "ordering"})


def count_key(request: Request) -> str:
    """What decides a list's rows: the caller's visibility scope and the filter parameters
    (validated by the FilterSet before the page is counted)."""
    user: Any = request.user
    scope = "all" if getattr(user, "is_manager_or_admin", False) else f"collector:{user.pk}"
    filters = sorted(
        (name, value)
        for name, values in request.query_params.lists()
        if name not in _NOT_FILTERS
        for value in values
    )
    return f"{scope}|{filters!r}"


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, *args: Any, count_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list
        return list_cache.cached_count(object_list, key=self.count_key)


class RealEstatePagination(PageNumberPagination):
    django_paginator_class = CachedCountPaginator

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.django_paginator_class = partial(CachedCountPaginator, count_key=count_key(request))  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)
