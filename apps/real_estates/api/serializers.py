"""Shapes of the real-estates API: input validated here, output rendered by hand for speed.

Output serializers declare their fields (the OpenAPI schema reads them) but build their
dicts directly: a page of 100 items is the hot path and DRF's per-field machinery would
cost more than the SQL.
"""

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache, cached_property
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, extend_schema_field
from rest_framework import serializers

from apps.core import errors
from apps.core.fields import DeclaredLength, TextField, WholeNumberField, catalog_detail, not_blank
from apps.core.serializers import InputTextField, StrictInputSerializer
from apps.core.text import is_blank
from apps.media.api.serializers import MediaLinkField, PhotoSerializer, media_url
from apps.media.querysets import PHOTO_COLUMNS
from apps.media.storage import object_url, object_urls
from apps.real_estates.models import (
    ADDRESS_FIELDS,
    AREA_MAX_DIGITS,
    DESCRIPTION_MAX_LENGTH,
    PRICE_MAX_DIGITS,
    ROOMS_MAX,
    Kind,
    Purpose,
    RealEstate,
    RealEstateTransition,
    Status,
)
from apps.real_estates.rendering import iso
from apps.real_estates.validators import UFS, normalize_cep, normalize_uf, validate_cep, validate_uf
from apps.users.models import User

COORDINATE_PLACES = Decimal("0.000001")
# A decimal in plain notation: a sign, ASCII digits (`[0-9]`), a point, at least one digit. Its
# bounds (digits, places, minimum) are checked after it (DRF's, then `decimal_pattern`'s).
_DECIMAL_TEXT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


# --- rendering helpers ------------------------------------------------------------------

# A detail's columns, read as plain rows (`.values()`): no model instance for the real estate,
# its users or its photos. The real estate's own (its users' names joined) ...
DETAIL_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "description",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "bathrooms",
    "parking_spaces",
    *ADDRESS_FIELDS,
    "collected_by_id",
    "collected_by__name",
    "reviewed_by_id",
    "reviewed_by__name",
    "reviewed_at",
    "rejection_reason",
    "photo_count",
    "created_at",
    "updated_at",
    "version",
)
# ... and, joined beside them, one photo's: one row per photo, in order, or one row with no photo.
DETAIL_PHOTO_COLUMNS: tuple[str, ...] = tuple(f"photos__{name}" for name in PHOTO_COLUMNS)


def decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"id": str(user.pk), "name": user.name}


def detail_row(real_estate: RealEstate) -> dict[str, Any]:
    """The detail row of an instance without photos whose users are loaded or absent (a
    create's: its collector is the actor, it has no reviewer), without a query."""
    row = {name: getattr(real_estate, name) for name in DETAIL_COLUMNS if "__" not in name}
    for relation in ("collected_by", "reviewed_by"):
        user = getattr(real_estate, relation)
        row[f"{relation}__name"] = None if user is None else user.name
    row["photos__id"] = None
    return row


def detail_body(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The detail (`RealEstateDetailSerializer`'s fields) of a real estate's rows of
    `DETAIL_COLUMNS` + `DETAIL_PHOTO_COLUMNS`. UUIDs and datetimes are left to the renderer
    (orjson), which writes them as DRF's fields would."""
    row = rows[0]
    collector, reviewer = row["collected_by_id"], row["reviewed_by_id"]
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "kind": row["kind"],
        "purpose": row["purpose"],
        "status": row["status"],
        "price": str(row["price"]),
        "area_m2": str(row["area_m2"]),
        "bedrooms": row["bedrooms"],
        "bathrooms": row["bathrooms"],
        "parking_spaces": row["parking_spaces"],
        "address": {
            "zip_code": row["zip_code"],
            "street": row["street"],
            "number": row["number"],
            "complement": row["complement"],
            "neighborhood": row["neighborhood"],
            "city": row["city"],
            "state": row["state"],
            "latitude": decimal(row["latitude"]),
            "longitude": decimal(row["longitude"]),
        },
        "collected_by": None if collector is None else {"id": collector, "name": row["collected_by__name"]},
        "reviewed_by": None if reviewer is None else {"id": reviewer, "name": row["reviewed_by__name"]},
        "reviewed_at": row["reviewed_at"],
        "rejection_reason": row["rejection_reason"],
        "photo_count": row["photo_count"],
        "photos": [photo_body(photo) for photo in rows if photo["photos__id"] is not None],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


def photo_body(row: dict[str, Any]) -> dict[str, Any]:
    """A photo as `PhotoSerializer` declares it, from its `DETAIL_PHOTO_COLUMNS`."""
    uploader, uploader_name = row["photos__uploaded_by_id"], row["photos__uploaded_by__name"]
    return {
        "id": row["photos__id"],
        "url": object_url(row["photos__blob__key"]),
        "caption": row["photos__caption"],
        "position": row["photos__position"],
        "width": row["photos__blob__width"],
        "height": row["photos__blob__height"],
        "content_type": row["photos__blob__content_type"],
        "size": row["photos__blob__size"],
        "sha256": row["photos__blob__sha256"],
        "thumbnails": {
            "256": media_url(row["photos__blob__thumbnail_256_key"]),
            "1024": media_url(row["photos__blob__thumbnail_1024_key"]),
        },
        "uploaded_by": None if uploader is None else {"id": uploader, "name": uploader_name},
        "created_at": row["photos__created_at"],
    }


# --- output -------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class AddressOutputSerializer(serializers.Serializer[Any]):
    zip_code = serializers.CharField()
    street = serializers.CharField()
    number = serializers.CharField()
    complement = serializers.CharField()
    neighborhood = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)


class RealEstateListItemSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    price = serializers.DecimalField(max_digits=PRICE_MAX_DIGITS, decimal_places=2)
    area_m2 = serializers.DecimalField(max_digits=AREA_MAX_DIGITS, decimal_places=2)
    bedrooms = serializers.IntegerField()
    city = serializers.CharField()
    state = serializers.CharField()
    collected_by = PersonSerializer(allow_null=True)
    photo_count = serializers.IntegerField()
    cover = MediaLinkField(allow_null=True, help_text="Thumbnail link of the first photo.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    distance_km = serializers.FloatField(
        required=False,  # not in the schema's `required`: present only with `near`
        help_text="Great-circle kilometres from `near`, three decimals; only with `near`.",
    )

    @cached_property
    def cover_link(self) -> Callable[[str], str]:
        """One link maker for everything this instance renders: a page's items are one child
        serializer's, so a page signs its covers with one signer (`object_urls`)."""
        return object_urls()

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row of `RealEstateQuerySet.with_listing_data()`; `distance_km` when `near` annotated it."""
        collector = row["collected_by_id"]
        collected_by = None if collector is None else {"id": collector, "name": row["collected_by_name"]}
        cover = row["cover_key"]
        item = {
            "id": row["id"],
            "title": row["title"],
            "kind": row["kind"],
            "purpose": row["purpose"],
            "status": row["status"],
            "price": str(row["price"]),
            "area_m2": str(row["area_m2"]),
            "bedrooms": row["bedrooms"],
            "city": row["city"],
            "state": row["state"],
            "collected_by": collected_by,
            "photo_count": row["photo_count"],
            "cover": self.cover_link(cover) if cover else None,
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        if "distance_km" in row:
            item["distance_km"] = round(row["distance_km"], 3)
        return item


class RealEstateDetailSerializer(serializers.Serializer[RealEstate]):
    id = serializers.UUIDField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    price = serializers.DecimalField(max_digits=PRICE_MAX_DIGITS, decimal_places=2)
    area_m2 = serializers.DecimalField(max_digits=AREA_MAX_DIGITS, decimal_places=2)
    bedrooms = serializers.IntegerField()
    bathrooms = serializers.IntegerField()
    parking_spaces = serializers.IntegerField()
    address = AddressOutputSerializer()
    collected_by = PersonSerializer(allow_null=True)
    reviewed_by = PersonSerializer(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(help_text="Reason of the last rejection; empty otherwise.")
    photo_count = serializers.IntegerField()
    photos = PhotoSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Bumped by every change; the ETag carries it.")

    def to_representation(self, instance: RealEstate) -> dict[str, Any]:
        """An instance with its users loaded and no photos; the views render `detail_body`."""
        return detail_body([detail_row(instance)])


class TransitionSerializer(serializers.Serializer[RealEstateTransition]):
    from_ = serializers.ChoiceField(choices=Status.choices)
    to = serializers.ChoiceField(choices=Status.choices)
    by = PersonSerializer(allow_null=True)
    at = serializers.DateTimeField()
    reason = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # `from` is a keyword in Python
        return fields

    def to_representation(self, instance: RealEstateTransition) -> dict[str, Any]:
        return {
            "from": instance.from_status,
            "to": instance.to_status,
            "by": person(instance.actor),
            "at": iso(instance.at),
            "reason": instance.reason,
        }


# What the stats group by: the query's `group_by` takes one, the answer names it.
STATS_GROUPS = ("city", "state", "kind", "status")


class StatsRowSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    count = serializers.IntegerField()
    avg_price = serializers.DecimalField(max_digits=PRICE_MAX_DIGITS, decimal_places=2)
    # A price over an area of 0.01 m²: two integer digits more than a price.
    avg_price_per_m2 = serializers.DecimalField(max_digits=PRICE_MAX_DIGITS + 2, decimal_places=2)


class StatsSerializer(serializers.Serializer[Any]):
    group_by = serializers.ChoiceField(choices=STATS_GROUPS)
    results = StatsRowSerializer(many=True)


# --- input --------------------------------------------------------------------------------


def _field_error(message: errors.FieldMessage) -> serializers.ValidationError:
    return serializers.ValidationError(catalog_detail(message))


# What `CepField` and `UfField` take, as the schema declares it: DRF trims the value before
# anything else reads it (a `maxLength` would be checked on the trimmed value, not on what was
# sent), and a UF is taken in any case. A client or fuzzer drawing from a bare `maxLength`
# almost never sent a valid address (docs/adr/0104).
CEP_SCHEMA_PATTERN = r"^\s*[0-9]{5}-?[0-9]{3}\s*$"
UF_SCHEMA_PATTERN = r"^\s*(?:" + "|".join("".join(f"[{c}{c.lower()}]" for c in uf) for uf in UFS) + r")\s*$"


@extend_schema_field({"type": "string", "pattern": CEP_SCHEMA_PATTERN})
class CepField(TextField):
    """8 digits; `01310-100` accepted and stored as `01310100`."""

    def to_internal_value(self, data: Any) -> str:
        value = normalize_cep(super().to_internal_value(data))
        try:
            validate_cep(value)
        except DjangoValidationError:
            raise _field_error(errors.CEP_INVALID) from None
        return value


@extend_schema_field({"type": "string", "pattern": UF_SCHEMA_PATTERN})
class UfField(TextField):
    """One of the 27 UFs, any case."""

    def to_internal_value(self, data: Any) -> str:
        value = normalize_uf(super().to_internal_value(data))
        try:
            validate_uf(value)
        except DjangoValidationError:
            raise _field_error(errors.UF_INVALID) from None
        return value


def _digits(count: int) -> str:
    return f"[0-9]{{0,{count}}}" if count else ""


@cache  # DRF builds the input fields again for every request (its deep copy)
def decimal_pattern(*, whole: int, places: int, minimum: Decimal | float | None) -> str:
    """The plain notation of a decimal of at most `whole` integer and `places` decimal digits
    (as characters, leading zeros included), at least one digit, from `minimum` on, as a regular
    expression a schema carries (no lookaround, which a generator of matching strings cannot
    draw from): any sign without a minimum or below zero; from zero, no sign but zero's own
    (`-0.00` is zero, ADR 0022); from the smallest step (`0.01`), a non-zero digit somewhere."""
    fraction = rf"(?:\.[0-9]{{0,{places}}})?"
    unsigned = rf"[0-9]{{1,{whole}}}{fraction}|\.[0-9]{{1,{places}}}"
    if minimum is None or minimum < 0:
        return rf"-?(?:{unsigned})"
    if minimum == 0:
        return rf"{unsigned}|-(?:0{{1,{whole}}}(?:\.0{{0,{places}}})?|\.0{{1,{places}}})"
    if Decimal(str(minimum)) != Decimal(1).scaleb(-places):
        raise ValueError(f"no pattern for a minimum of {minimum}")
    # The first non-zero digit in each place it can take, in the integer part or after the point.
    integer = "|".join(f"{'0' * k}[1-9]{_digits(whole - 1 - k)}" for k in range(whole))
    after_point = "|".join(f"{'0' * k}[1-9]{_digits(places - 1 - k)}" for k in range(places))
    return rf"(?:{integer}){fraction}|0{{0,{whole}}}\.(?:{after_point})"


class DecimalTextField(serializers.DecimalField):
    """A decimal as the API writes it (SPEC: decimals are JSON strings): a JSON string in plain
    notation, `"350000.00"` or `"120.5"` (docs/adr/0022). DRF's DecimalField also took a JSON
    number, an exponent (`"1e2"`), spaces and a `+`, none of which the schema's `type: string`
    and pattern allow."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs: Any) -> None:
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        # The schema's own pattern (`DecimalTextFieldSchema`): DRF counts significant digits, the
        # pattern characters, so a leading zero past its integer digits passes DRF but not a
        # client checking the schema; and the pattern says the minimum, which a string schema
        # has no keyword for. At least one digit, ASCII only (docs/adr/0104, docs/adr/0124).
        pattern = decimal_pattern(
            whole=max_digits - decimal_places, places=decimal_places, minimum=self.min_value
        )
        self.schema_pattern = re.compile(f"(?:{pattern})")

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not _DECIMAL_TEXT.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        value = super().run_validation(data)  # DRF's bounds first, with their codes (`min_value`)
        if isinstance(data, str) and not self.schema_pattern.fullmatch(data):
            self.fail("invalid")
        return value


class DecimalTextFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]  # the library ships an untyped __init_subclass__
    """`DecimalTextField` declares the pattern it checks: drf-spectacular's DecimalField pattern
    (`^-?\\d{0,12}(?:\\.\\d{0,2})?$`) matched `""`, `"."`, a negative price and, read by Python's
    `re` as Schemathesis reads it, non-ASCII digits, all of which the field refuses."""

    target_class = DecimalTextField

    def map_serializer_field(self, auto_schema: AutoSchema, direction: Direction) -> dict[str, Any]:
        field = cast(DecimalTextField, self.target)
        return {"type": "string", "format": "decimal", "pattern": f"^{field.schema_pattern.pattern}$"}


# Decimal degrees within range in plain notation, as a pattern: latitude -90 to 90, longitude -180
# to 180, any leading zeros and decimals (`_DECIMAL_TEXT` within range). The list's `near` and
# `bbox` carry theirs (`apps.real_estates.api.filters`).
LATITUDE_TEXT = r"-?(?:0*[1-8]?[0-9](?:\.[0-9]*)?|0*\.[0-9]+|0*90(?:\.0*)?)"
LONGITUDE_TEXT = r"-?(?:0*(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]*)?|0*\.[0-9]+|0*180(?:\.0*)?)"


class CoordinateField(serializers.FloatField):
    """A float within range, stored with 6 decimal places (≈ 10 cm). A JSON number, or the
    decimal string the output writes (a client sends back what it read; docs/adr/0022) in plain
    ASCII notation: not a JSON boolean, which Python's `float` reads as 1 or 0, nor the other
    strings it reads (`"1_0"`, `"1e1"`, spaces, non-ASCII digits). A string is read as written,
    not as the float nearest it: `"90.00000000000000001"` is past 90, as its pattern says."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(
            min_value=-limit, max_value=limit, required=False, allow_null=True, default=None, **kwargs
        )

    def to_internal_value(self, data: Any) -> Decimal:  # type: ignore[override]
        if isinstance(data, bool) or (isinstance(data, str) and not _DECIMAL_TEXT.fullmatch(data)):
            self.fail("invalid")
        value = Decimal(data) if isinstance(data, str) else Decimal(repr(super().to_internal_value(data)))
        if not value.is_finite():
            self.fail("invalid")
        if abs(value) > self.limit:
            # The bounds hold for the number as sent, as the schema's declare it (90.0000001 is
            # past 90, though it rounds to it: ADR 0120): the min/max validators say so.
            return value
        return value.quantize(COORDINATE_PLACES)


def _coordinate_schema(limit: int, text: str) -> dict[str, Any]:
    return {
        "oneOf": [
            {"type": "number", "format": "double", "minimum": -limit, "maximum": limit},
            {"type": "string", "format": "decimal", "pattern": rf"^{text}$"},
        ],
        "nullable": True,
        "description": f"From -{limit} to {limit}: a JSON number, or a decimal string in plain notation "
        'as the API writes it (`"-23.550000"`).',
    }


@extend_schema_field(_coordinate_schema(90, LATITUDE_TEXT))
class LatitudeField(CoordinateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(limit=90, **kwargs)


@extend_schema_field(_coordinate_schema(180, LONGITUDE_TEXT))
class LongitudeField(CoordinateField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(limit=180, **kwargs)


class AddressInputSerializer(serializers.Serializer[Any]):
    zip_code = CepField(help_text="CEP, 8 digits (`01310-100` accepted).")
    street = InputTextField(max_length=200)
    number = InputTextField(max_length=20, required=False, allow_blank=True, default="")
    complement = InputTextField(max_length=100, required=False, allow_blank=True, default="")
    neighborhood = InputTextField(max_length=100, required=False, allow_blank=True, default="")
    city = InputTextField(max_length=100)
    state = UfField(help_text=f"UF: one of {', '.join(UFS)}, in any case.")
    latitude = LatitudeField()
    longitude = LongitudeField()


class RealEstateInputSerializer(serializers.Serializer[Any]):
    """Create (every required field) and PATCH (`partial=True`, any subset, `address` too)."""

    title = InputTextField(max_length=200)
    description = InputTextField(
        required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX_LENGTH
    )
    kind = serializers.ChoiceField(choices=Kind.choices)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    price = DecimalTextField(max_digits=PRICE_MAX_DIGITS, decimal_places=2, min_value=Decimal(0))
    area_m2 = DecimalTextField(max_digits=AREA_MAX_DIGITS, decimal_places=2, min_value=Decimal("0.01"))
    bedrooms = WholeNumberField(min_value=0, max_value=ROOMS_MAX, required=False, default=0)
    bathrooms = WholeNumberField(min_value=0, max_value=ROOMS_MAX, required=False, default=0)
    parking_spaces = WholeNumberField(min_value=0, max_value=ROOMS_MAX, required=False, default=0)
    address = AddressInputSerializer()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            address = data.get("address")
            if isinstance(address, dict):
                address_fields = self.fields["address"].fields  # type: ignore[attr-defined]
                unknown |= {f"address.{name}" for name in set(address) - set(address_fields)}
            if unknown:
                detail = catalog_detail(errors.FIELD_NOT_ALLOWED)
                raise serializers.ValidationError({name: [detail] for name in sorted(unknown)})
        return super().to_internal_value(data)

    def flat_fields(self) -> dict[str, Any]:
        """The validated data as model fields (the address flattened)."""
        data = dict(self.validated_data)
        address = data.pop("address", None) or {}
        return {**data, **address}


class ReasonField(DeclaredLength, TextField):
    """Required and not blank; missing, blank, all spaces or nothing a reader sees (zero-width
    characters, marks alone: apps/core/text.py) all get REJECTION_REASON_REQUIRED."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is serializers.empty or (isinstance(data, str) and is_blank(data)):
            raise _field_error(errors.REJECTION_REASON_REQUIRED)
        return super().run_validation(data)


class RejectInputSerializer(StrictInputSerializer):
    reason = ReasonField(max_length=2000, validators=[not_blank()])


class StatsQuerySerializer(serializers.Serializer[Any]):
    group_by = serializers.ChoiceField(choices=STATS_GROUPS)
