"""Reads of real estates: the vocabulary views, services and the admin query with."""

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from apps.real_estates.models import RealEstate  # noqa: F401  (string annotation below)


class RealEstateQuerySet(models.QuerySet["RealEstate"]):
    pass
