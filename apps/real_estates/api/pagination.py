"""The list's page-number pagination, with its `count` cached (apps/real_estates/list_cache.py)."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator

from apps.core.pagination import PageNumberPagination
from apps.real_estates import list_cache


class CachedCountPaginator(Paginator):  # type: ignore[type-arg]
    @cached_property
    def count(self) -> int:
        object_list: Any = self.object_list
        return list_cache.cached_count(object_list)


class RealEstatePagination(PageNumberPagination):
    django_paginator_class = CachedCountPaginator
