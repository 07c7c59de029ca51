"""Reads of real estates: the vocabulary views, services, the admin and commands query with."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import prefetch_related_objects
from django.db.models.functions import Cast, Lower

from apps.real_estates.search import search_terms

if TYPE_CHECKING:
    from apps.real_estates.models import RealEstate
    from apps.users.models import User

# A list item's (and the CSV export's) columns, read as plain rows: `.values()` spares a
# model instance per row, the page's largest cost. All of them live on the row itself (the
# collector's name and the cover's key are denormalised), so a page joins no table.
LISTING_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "city",
    "state",
    "photo_count",
    "created_at",
    "updated_at",
    "collected_by_id",
    "collected_by_name",
    "cover_key",
)


# What `with_listing_data()` answers: one dict per real estate.
type ListingRows = models.QuerySet["RealEstate", dict[str, Any]]


def visibility(user: "User | Any") -> str:
    """Which real estates `user` sees, as a key: `all`, `collector:<id>` or `none`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none"
    if user.is_manager_or_admin:
        return "all"
    return f"collector:{user.pk}"


class RealEstateQuerySet(models.QuerySet["RealEstate"]):
    def visible_to(self, user: "User | Any") -> "RealEstateQuerySet":
        """Collectors see their own; managers and admins see all; anyone else nothing
        (`visibility(user)` names the same scope)."""
        scope = visibility(user)
        if scope == "none":
            return self.none()
        if scope == "all":
            return self
        return self.filter(collected_by=user)

    def with_listing_data(self) -> ListingRows:
        """One query for a page of list items, as dicts of `LISTING_COLUMNS`, from the real
        estate's table alone: the collector's name (`collected_by_name`) and the cover, the first
        photo's 256 px thumbnail key (`cover_key`: "" until it is made, None without photos),
        are copies kept on the row."""
        rows: ListingRows = self.values(*LISTING_COLUMNS)
        return rows

    def with_detail_data(self) -> "RealEstateQuerySet":
        """Both users joined, the heavy columns left out. The photos are loaded after the row
        (`load_photos`), so a real estate without any costs no prefetch."""
        return self.select_related("collected_by", "reviewed_by").defer(
            "search_text",
            *(f"{rel}__{field}" for rel in ("collected_by", "reviewed_by") for field in _USER_HEAVY_FIELDS),
        )

    def with_photos(self) -> "RealEstateQuerySet":
        """Real estates that may be submitted: at least one photo (the denormalised count)."""
        return self.filter(photo_count__gte=1)

    def in_city(self, city: str) -> "RealEstateQuerySet":
        """Case-insensitive; served by the `Lower(city)` index."""
        return self.alias(city_lower=Lower("city")).filter(city_lower=city.strip().lower())

    def search(self, q: str) -> "RealEstateQuerySet":
        """Every word of `q` in title, description, street, neighborhood or city, ignoring
        case and accents (`sao paulo` finds `São Paulo`). `LIKE '%word%'` on the normalised
        `search_text`, served by its trigram index on PostgreSQL."""
        queryset = self
        for term in search_terms(q):
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def stats_by(self, group_by: str) -> "models.QuerySet[RealEstate, dict[str, Any]]":
        """One row per `group_by` value: count, average price and average price per m²,
        computed in the database, largest groups first."""
        # In floating point: SQLite would otherwise divide integer-valued decimals as integers.
        per_m2 = Cast("price", models.FloatField()) / Cast("area_m2", models.FloatField())
        rows: models.QuerySet[RealEstate, dict[str, Any]] = (
            self.order_by()
            .values(group_by)
            .annotate(
                count=models.Count("id"), avg_price=models.Avg("price"), avg_price_per_m2=models.Avg(per_m2)
            )
            .order_by("-count", group_by)
        )
        return rows


_templates = threading.local()


def _from_template(name: str, build: "Callable[[], RealEstateQuerySet]") -> "RealEstateQuerySet":
    """A clone of the queryset `build()` made once per thread.

    Assembling a queryset's columns, joins and subqueries costs 0.1 to 0.3 ms, a tenth of a
    request on the hot paths; a clone costs ~3 µs. A template is never evaluated (so it caches
    no rows) and never leaves its thread: every caller gets a clone.
    """
    template: RealEstateQuerySet | None = getattr(_templates, name, None)
    if template is None:
        template = build()
        setattr(_templates, name, template)
    return template.all()


def listing() -> "RealEstateQuerySet":
    """`RealEstate.objects.with_listing_data()`, from a per-thread template. Still a
    RealEstateQuerySet at runtime (so `visible_to` applies), which django-stubs' `values()`
    does not know."""
    from apps.real_estates.models import RealEstate

    return _from_template("listing", lambda: cast(RealEstateQuerySet, RealEstate.objects.with_listing_data()))


def detailed() -> "RealEstateQuerySet":
    """`RealEstate.objects.with_detail_data()`, from a per-thread template."""
    from apps.real_estates.models import RealEstate

    return _from_template("detailed", RealEstate.objects.with_detail_data)


class _CompiledRows:
    """A `.values()` queryset compiled once; each `fetch()` executes its kept statement the way
    Django executes any queryset (its cursor, its converters), without compiling it again."""

    def __init__(self, rows: ListingRows) -> None:
        query = rows.query
        compiler = query.get_compiler(rows.db)
        statement = compiler.as_sql()  # EmptyResultSet for a queryset that can match nothing
        compiler.as_sql = lambda *args, **kwargs: statement
        self.compiler = compiler
        # The column names, as Django's ValuesIterable reads them.
        self.names: list[str] = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )

    def fetch(self) -> list[dict[str, Any]]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.compiler.results_iter()]


_compiled = threading.local()
COMPILED_PAGES_PER_THREAD = 128


def page_rows(rows: ListingRows, key: Hashable) -> list[dict[str, Any]]:
    """`list(rows)` for a page whose SQL depends on nothing but `key`: compiled by this thread's
    first call with `key`, executed as it was compiled by the calls after.

    Compiling a list page (its 16 columns, the filters' WHERE and the ordering) costs ~0.3 ms,
    a tenth of the request. The key must name everything that shapes the statement (the list's
    key is the caller's visibility, the query parameters and the page's bounds); the data does
    not shape it, and each call executes it afresh. Per thread, because a compiler
    belongs to its thread's connection; the least recently used of `COMPILED_PAGES_PER_THREAD`
    is dropped.
    """
    kept: OrderedDict[Hashable, _CompiledRows] | None = getattr(_compiled, "pages", None)
    if kept is None:
        kept = _compiled.pages = OrderedDict()
    compiled = kept.get(key)
    if compiled is None:
        try:
            compiled = _CompiledRows(rows)
        except EmptyResultSet:
            return []
        kept[key] = compiled
        if len(kept) > COMPILED_PAGES_PER_THREAD:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    return compiled.fetch()


def load_photos(real_estate: "RealEstate") -> "RealEstate":
    """The detail's photos, in order, as `prefetched_photos`: one query, none when its
    (denormalised, service-maintained) `photo_count` says there are none (the serializer
    reads a missing `prefetched_photos` as no photos)."""
    from apps.media.querysets import photos_prefetch

    if real_estate.photo_count:
        prefetch_related_objects([real_estate], photos_prefetch())
    return real_estate


# Columns of a user a nested `{id, name}` never needs (the password hash above all).
_USER_HEAVY_FIELDS: tuple[str, ...] = ("password", "last_login", "email", "cpf", "date_joined", "updated_at")
