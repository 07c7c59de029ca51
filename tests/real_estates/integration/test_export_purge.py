"""Old exports are deleted from storage (`export.purge_exports`, the daily task), on local disk
and on the S3 server; young ones, and anything that is not an export, stay."""

import os
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from apps.real_estates.export import purge_exports, real_estate_export_to_storage
from apps.real_estates.tasks import purge_old_exports
from config.celery import BEAT_SCHEDULE
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


def exists(key: str) -> bool:
    return bool(storages["default"].exists(key))


@pytest.fixture
def two_exports() -> list[str]:
    RealEstateFactory()
    return [real_estate_export_to_storage(filters={}) for _ in range(2)]


@pytest.mark.usefixtures("backend")
def test_exports_are_kept_for_the_retention_then_deleted(two_exports: list[str]) -> None:
    assert purge_exports() == []  # written just now, kept for REAL_ESTATES_EXPORT_RETENTION_DAYS (7)
    assert all(map(exists, two_exports))

    a_week_later = timezone.now() + WEEK + timedelta(minutes=1)
    assert purge_exports(now=a_week_later) == sorted(two_exports)
    assert not any(map(exists, two_exports))
    assert purge_exports(now=a_week_later) == []  # a repeated run has nothing left to do


def test_only_the_exports_older_than_the_retention_go(two_exports: list[str], settings: Any) -> None:
    old, young = two_exports
    path = os.path.join(settings.STORAGES["default"]["OPTIONS"]["location"], old)
    eight_days_ago = (timezone.now() - timedelta(days=8)).timestamp()
    os.utime(path, (eight_days_ago, eight_days_ago))

    assert purge_exports() == [old]
    assert not exists(old)
    assert exists(young)


@pytest.mark.usefixtures("backend")
def test_what_is_not_an_export_stays(two_exports: list[str]) -> None:
    storage = storages["default"]
    others = [storage.save(name, ContentFile(b"kept")) for name in ("exports/README.txt", "exports/x/y.csv")]
    photo = storage.save("blobs/sha256/00/00/photo.jpg", ContentFile(b"kept"))

    assert purge_exports(now=timezone.now() + 2 * WEEK) == sorted(two_exports)
    assert all(map(exists, [*others, photo]))


def test_a_zero_retention_keeps_every_export(two_exports: list[str], settings: Any) -> None:
    settings.REAL_ESTATES_EXPORT_RETENTION_DAYS = 0

    assert purge_exports(now=timezone.now() + 52 * WEEK) == []
    assert all(map(exists, two_exports))


@pytest.mark.usefixtures("backend")
def test_nothing_to_purge_before_the_first_export() -> None:
    assert purge_exports(now=timezone.now() + WEEK) == []


def test_the_daily_task_purges_with_the_days_it_is_given(two_exports: list[str], settings: Any) -> None:
    assert purge_old_exports.delay().get() == {"deleted": 0}

    settings.REAL_ESTATES_EXPORT_RETENTION_DAYS = 0  # an explicit retention wins over the setting
    os.utime(
        os.path.join(settings.STORAGES["default"]["OPTIONS"]["location"], two_exports[0]),
        (0, 0),
    )
    assert purge_old_exports.delay(retention_days=1).get() == {"deleted": 1}
    assert not exists(two_exports[0])
    assert exists(two_exports[1])


def test_beat_purges_exports_daily() -> None:
    entry = BEAT_SCHEDULE["purge-old-exports-daily"]
    assert entry["task"] == purge_old_exports.name
    assert entry["options"]["expires"] <= 24 * 3600


@pytest.mark.parametrize("days", [-1, float("nan"), float("inf"), 1e9, "7"])
def test_the_task_refuses_a_retention_that_is_not_a_usable_number_of_days(
    two_exports: list[str], days: Any
) -> None:
    """A negative retention deleted every export, even one written a second ago whose key a
    caller was just given; the others were tracebacks (OverflowError, float NaN)."""
    with pytest.raises(ValueError, match="retention_days must be a number of days from 0 to"):
        purge_old_exports(retention_days=days)

    assert all(map(exists, two_exports))


def test_an_export_gone_between_the_listing_and_its_deletion_is_skipped(
    two_exports: list[str], settings: Any
) -> None:
    """Two purges at once (beat's and one by hand, two hosts' cron), or a rerun rewriting its key:
    a name listed may be gone by the time its age is read. Here a dangling link stands for it."""
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    os.symlink(os.path.join(root, "exports", "deleted-meanwhile.csv"), os.path.join(root, "exports", "a.csv"))

    assert purge_exports(now=timezone.now() + 2 * WEEK) == sorted(two_exports)
    assert not any(map(exists, two_exports))


@pytest.mark.usefixtures("backend")
def test_the_age_of_a_missing_export_is_none_on_disk_and_on_s3() -> None:
    from apps.real_estates.export import _modified_time

    assert _modified_time(storages["default"], "exports/missing.csv") is None
