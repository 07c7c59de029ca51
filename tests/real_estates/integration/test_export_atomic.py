"""An export to storage (`--to-storage`, the task) shows under its key only once whole: a run the
database fails half-way leaves the previous export of the key, or none, and no temporary file,
on local disk and on S3."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DataError
from django.db.models.expressions import RawSQL
from django.utils import timezone

from apps.media import storage
from apps.real_estates.export import export_key, purge_exports, real_estate_export_to_storage
from apps.real_estates.models import RealEstate
from apps.real_estates.tasks import export_real_estates
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite
from tests.storage_backends import everything_stored

pytestmark = pytest.mark.django_db


def a_row_the_database_cannot_hand_over() -> None:
    """A real estate whose `updated_at` PostgreSQL stores but the driver cannot read into a
    datetime ('infinity'): the export's cursor fails on it, after the header was written."""
    RealEstateFactory.create_batch(3)
    broken = RealEstateFactory()
    RealEstate.objects.filter(pk=broken.pk).update(updated_at=RawSQL("'infinity'", ()))


def test_an_export_the_database_fails_half_way_leaves_nothing(backend: str) -> None:
    a_row_the_database_cannot_hand_over()

    with pytest.raises(DataError):
        real_estate_export_to_storage(filters={}, export_id="run-1")

    assert everything_stored() == []


def test_a_rerun_the_database_fails_leaves_the_previous_export_whole(backend: str) -> None:
    key = real_estate_export_to_storage(filters={}, export_id="run-1")
    previous = storage.read_object(key)
    a_row_the_database_cannot_hand_over()

    with pytest.raises(DataError):
        real_estate_export_to_storage(filters={}, export_id="run-1")

    assert everything_stored() == [key]
    assert storage.read_object(key) == previous


def test_the_task_the_database_fails_leaves_nothing(backend: str) -> None:
    a_row_the_database_cannot_hand_over()

    with pytest.raises(DataError):
        export_real_estates.delay(filters={})

    assert everything_stored() == []


def test_a_whole_export_replaces_the_previous_one(backend: str) -> None:
    first = real_estate_export_to_storage(filters={}, export_id="run-1")
    RealEstateFactory.create_batch(2)

    second = real_estate_export_to_storage(filters={}, export_id="run-1")

    assert first == second == export_key("run-1")
    assert everything_stored() == [second]
    assert len(storage.read_object(second).decode().splitlines()) == 1 + 2


TO_STORAGE_ON_A_FULL_DISK = """
import django; django.setup()
import resource, signal
from apps.core import errors
from apps.real_estates.export import real_estate_export_to_storage
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite
RealEstateFactory.create_batch(5)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, resource.RLIM_INFINITY))  # the header, not a row more
try:
    real_estate_export_to_storage(filters={}, export_id="run-1")
except errors.StorageUnavailable:
    print("refused")
"""


def test_an_export_the_disk_fails_half_way_leaves_no_temporary_on_local_storage(tmp_path: Path) -> None:
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0

    done = run_on_sqlite(tmp_path, "-c", TO_STORAGE_ON_A_FULL_DISK, PYTHONDONTWRITEBYTECODE="1")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "refused"
    media = tmp_path / "media"
    assert [path.name for path in media.rglob("*") if path.is_file()] == []


def test_a_temporary_a_killed_run_left_goes_with_the_old_exports(settings: Any) -> None:
    """A run killed while writing (the task's hard time limit) leaves its hidden temporary beside
    the exports; the daily purge takes it once past the retention, as it takes the exports."""
    exports = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "exports"
    exports.mkdir(parents=True)
    left = exports / ".partial-k3j9x2-run-1.csv"
    left.write_bytes(b"id,title\n1,Ca")
    week_ago = (timezone.now() - timedelta(days=8)).timestamp()
    os.utime(left, (week_ago, week_ago))

    assert purge_exports() == ["exports/.partial-k3j9x2-run-1.csv"]
    assert everything_stored() == []
