"""Reads of real estates: the vocabulary views, services, the admin and commands query with."""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.functions import Lower

from apps.real_estates.search import search_terms

if TYPE_CHECKING:
    from apps.real_estates.models import RealEstate  # noqa: F401  (string annotation below)
    from apps.users.models import User

# The columns a list item (and the CSV export) needs; the rest stays in the database.
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
    "collected_by__id",
    "collected_by__name",
)


class RealEstateQuerySet(models.QuerySet["RealEstate"]):
    def visible_to(self, user: "User | Any") -> "RealEstateQuerySet":
        """Collectors see their own; managers and admins see all; anyone else nothing."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_manager_or_admin:
            return self
        return self.filter(collected_by=user)

    def with_listing_data(self) -> "RealEstateQuerySet":
        """One query for a page of list items: the collector joined, only the listed columns."""
        return self.select_related("collected_by").only(*LISTING_COLUMNS)

    def with_detail_data(self) -> "RealEstateQuerySet":
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


# Columns of a user a nested `{id, name}` never needs (the password hash above all).
_USER_HEAVY_FIELDS: tuple[str, ...] = ("password", "last_login", "email", "cpf", "date_joined", "updated_at")
