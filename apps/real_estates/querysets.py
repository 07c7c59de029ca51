"""Reads of real estates: the vocabulary views, services, the admin and commands query with."""

from typing import TYPE_CHECKING, Any

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
