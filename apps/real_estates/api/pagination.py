"""The list's page-number pagination, its `count` cached under the validated meaning of the
request (apps/real_estates/list_cache.py); a page of a `q` list, or of a dense `near` one, is
read ids first when the filter backend says so (`RealEstateQuerySet.page_ids`, docs/adr/0057)."""

from functools import cached_property, partial
from typing import Any

from django.core.paginator import Page, Paginator
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
    def __init__(
        self,
        *args: Any,
        count_key: str,
        ids_first: bool = False,
        known_count: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.ids_first = ids_first
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:  # read under `count_key` by the filter backend
            return self.known_count
        return list_cache.cached_count(self.object_list, key=self.count_key)  # type: ignore[arg-type]

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]  # generic only in django-stubs
        if not self.ids_first:
            return super().page(number)
        # Django's bounds (`Paginator.page`), then the rows by `page_ids` instead of a slice.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self.object_list.page_ids(bottom, top), number, self)  # type: ignore[attr-defined]  # our QuerySet, typed as Django's


class RealEstatePagination(PageNumberPagination):
    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.django_paginator_class = partial(  # type: ignore[assignment]
            CachedCountPaginator,
            count_key=rows_key(request, view),
            ids_first=getattr(view, "page_ids_first", False),
            known_count=getattr(view, "list_count", None),
        )
        return super().paginate_queryset(queryset, request, view)
