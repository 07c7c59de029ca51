"""A real estate registered in the field, and the history of its review workflow.

Invariants live in the database (CheckConstraints); `search_text`, `photo_count`, the cover,
`collected_by_name` and `version` are kept right by the services (apps/real_estates/services.py
and the media services).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.real_estates.querysets import RealEstateQuerySet, RealEstateTransitionQuerySet
from apps.real_estates.validators import CEP_PATTERN, UFS, validate_cep, validate_uf
from apps.users.validators import NAME_MAX_LENGTH


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class Kind(models.TextChoices):
    HOUSE = "house", _("House")
    APARTMENT = "apartment", _("Apartment")
    LAND = "land", _("Land")
    COMMERCIAL = "commercial", _("Commercial")
    RURAL = "rural", _("Rural")


class Purpose(models.TextChoices):
    SALE = "sale", _("Sale")
    RENT = "rent", _("Rent")


PRICE_MAX_DIGITS = 14
AREA_MAX_DIGITS = 12
# Bounds every write path keeps (the API's serializer, the admin's model form).
DESCRIPTION_MAX_LENGTH = 10_000
ROOMS_MAX = 1000  # bedrooms, bathrooms, parking spaces
REVIEWED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.ARCHIVED)
# The address, stored flat on the row (the API nests it as `address`).
ADDRESS_FIELDS: tuple[str, ...] = (
    "zip_code",
    "street",
    "number",
    "complement",
    "neighborhood",
    "city",
    "state",
    "latitude",
    "longitude",
)


class RealEstate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, default="", max_length=DESCRIPTION_MAX_LENGTH
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=8, choices=Purpose.choices)
    price = models.DecimalField(_("price"), max_digits=PRICE_MAX_DIGITS, decimal_places=2)
    area_m2 = models.DecimalField(_("area m2"), max_digits=AREA_MAX_DIGITS, decimal_places=2)
    bedrooms = models.PositiveSmallIntegerField(
        _("bedrooms"), default=0, validators=[MaxValueValidator(ROOMS_MAX)]
    )
    bathrooms = models.PositiveSmallIntegerField(
        _("bathrooms"), default=0, validators=[MaxValueValidator(ROOMS_MAX)]
    )
    parking_spaces = models.PositiveSmallIntegerField(
        _("parking spaces"), default=0, validators=[MaxValueValidator(ROOMS_MAX)]
    )

    # Address, flat: the API renders it as an object.
    zip_code = models.CharField(_("CEP"), max_length=8, validators=[validate_cep])
    street = models.CharField(_("street"), max_length=200)
    number = models.CharField(_("number"), max_length=20, blank=True, default="")
    complement = models.CharField(_("complement"), max_length=100, blank=True, default="")
    neighborhood = models.CharField(_("neighborhood"), max_length=100, blank=True, default="")
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("UF"), max_length=2, validators=[validate_uf])
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The (collected_by, created_at) index below serves this FK; no separate one.
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collected_real_estates",
        db_index=False,
    )
    # Denormalised for the list (which then joins no table): the collector's name, kept right
    # by `real_estate_collector_renamed` and emptied with the user (LGPD: nothing of them stays).
    collected_by_name = models.CharField(
        _("collected by name"), max_length=NAME_MAX_LENGTH, blank=True, default="", editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_real_estates",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    # Bumped by every write service; the ETag is derived from (id, version).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Denormalised, kept right by the media services: the list never counts photos per row.
    photo_count = models.PositiveIntegerField(_("photo count"), default=0, editable=False)
    # The first photo's blob, maintained with `photo_count` by the media services, and its 256 px
    # thumbnail's key, the list's cover: None without photos, "" until the thumbnail is made
    # (the media services copy it to every real estate the blob is the cover of).
    cover_blob = models.ForeignKey(
        "media.Blob",
        verbose_name=_("cover blob"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    cover_key = models.CharField(_("cover key"), max_length=255, null=True, blank=True, editable=False)
    # Denormalised `q` target (see apps/real_estates/search.py), maintained by the services.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    objects = RealEstateQuerySet.as_manager()

    class Meta:
        verbose_name = _("real estate")
        verbose_name_plural = _("real estates")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Newest first, with or without a status. On PostgreSQL both also include
            # search_text, latitude and longitude (migration 0009): a page's ids are then found
            # by an index-only scan that checks `q` and `near` on the index (docs/adr/0057).
            models.Index(fields=["-created_at", "-id"], name="re_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="re_status_created_idx"),
            # A collector's rows in the list's order. On PostgreSQL it also INCLUDEs what a sync page
            # and a list item read, so a collector's sync page is an index-only scan (migration 0012,
            # docs/adr/0080, third addendum).
            models.Index(fields=["collected_by", "-created_at", "-id"], name="re_collector_created_idx"),
            models.Index(fields=["state", "-created_at"], name="re_state_created_idx"),
            models.Index(fields=["kind", "-created_at"], name="re_kind_created_idx"),
            # lower(city) alone is served by the leading column of re_city_status_price_idx.
            # The filtered list (city + status + kind + purpose, a price range, ordered by price):
            # equality columns first, so the scan is already in price order (docs/adr/0050).
            models.Index(
                Lower("city"),
                F("status"),
                F("kind"),
                F("purpose"),
                F("price"),
                name="re_city_status_price_idx",
            ),
            # The same shapes without a status (docs/adr/0051: city + kind + purpose by price, and
            # kind + purpose by price descending then age), each scan already in its order.
            models.Index(Lower("city"), F("kind"), F("purpose"), F("price"), name="re_city_kind_price_idx"),
            models.Index(
                F("kind"), F("purpose"), F("price").desc(), F("created_at"), name="re_kind_price_idx"
            ),
            models.Index(fields=["price"], name="re_price_idx"),
            models.Index(fields=["area_m2"], name="re_area_idx"),
            # status + state + an area range by area: the scan is already in (area, id) order.
            models.Index(fields=["status", "state", "area_m2", "id"], name="re_status_state_area_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=Decimal(0)), name="re_price_gte_0"),
            models.CheckConstraint(condition=models.Q(area_m2__gt=Decimal(0)), name="re_area_gt_0"),
            models.CheckConstraint(condition=models.Q(bedrooms__gte=0), name="re_bedrooms_gte_0"),
            models.CheckConstraint(condition=models.Q(bathrooms__gte=0), name="re_bathrooms_gte_0"),
            models.CheckConstraint(condition=models.Q(parking_spaces__gte=0), name="re_parking_gte_0"),
            models.CheckConstraint(condition=models.Q(photo_count__gte=0), name="re_photo_count_gte_0"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="re_version_gte_1"),
            models.CheckConstraint(condition=~models.Q(title=""), name="re_title_not_blank"),
            models.CheckConstraint(condition=models.Q(state__in=UFS), name="re_state_valid_uf"),
            models.CheckConstraint(
                condition=models.Q(zip_code__regex=CEP_PATTERN), name="re_zip_code_8_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=Decimal(-90), latitude__lte=Decimal(90)),
                name="re_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=Decimal(-180), longitude__lte=Decimal(180)),
                name="re_longitude_range",
            ),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="re_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="re_kind_valid"),
            models.CheckConstraint(condition=models.Q(purpose__in=Purpose.values), name="re_purpose_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=Status.REJECTED) | ~models.Q(rejection_reason=""),
                name="re_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=REVIEWED_STATUSES) | models.Q(reviewed_at__isnull=False),
                name="re_reviewed_has_reviewed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def etag(self) -> str:
        return f'"{self.id.hex}-{self.version}"'


class RealEstateTransition(models.Model):
    """One step of the review workflow, written in the transaction that makes it."""

    real_estate = models.ForeignKey(
        RealEstate, verbose_name=_("real estate"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="real_estate_transitions",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, default="")

    objects = RealEstateTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("real estate transition")
        verbose_name_plural = _("real estate transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["real_estate", "at"], name="re_transition_history_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_status__in=Status.values), name="re_tr_from_valid"
            ),
            models.CheckConstraint(condition=models.Q(to_status__in=Status.values), name="re_tr_to_valid"),
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")), name="re_tr_changes_status"
            ),
        ]

    def __str__(self) -> str:
        """The step in the active language, in lower case ("draft → submitted", "rascunho →
        enviado"), as the admin lists it among what a real estate's deletion takes along."""
        return f"{self.get_from_status_display().lower()} → {self.get_to_status_display().lower()}"
