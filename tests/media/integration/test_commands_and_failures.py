"""rebuild_thumbnails, the gc task, and what clients see when storage fails."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from apps.media import services, storage, tasks
from apps.media.models import Blob, Photo, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import (
    as_stored,
    orphan_object,
    photos_url,
    post_photo,
    set_storage_options,
    stored_keys,
)
from tests.media.integration.test_photo_upload_api import fetch

pytestmark = pytest.mark.django_db


def test_rebuild_thumbnails_fills_in_the_missing_ones(collector_client: Any, draft: RealEstate) -> None:
    post_photo(collector_client, draft, samples.image_bytes(size=(1200, 900)))  # on-commit task never ran
    assert Blob.objects.get().thumbnail_state == ThumbnailState.PENDING
    out = StringIO()

    call_command("rebuild_thumbnails", stdout=out)

    blob = Blob.objects.get()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert storage.object_exists(blob.thumbnail_256_key)
    assert storage.object_exists(blob.thumbnail_1024_key)
    assert "1 blob(s) done, 0 failed" in out.getvalue()
    call_command("rebuild_thumbnails", stdout=out)
    assert "0 blob(s) done" in out.getvalue()


def test_rebuild_thumbnails_draws_no_progress_bar_into_a_log(
    collector_client: Any, draft: RealEstate, capsys: pytest.CaptureFixture[str]
) -> None:
    # stderr to a file or a pipe (cron, `2>> rebuild.log`) got every frame of the bar, as
    # export_real_estates and seed_demo draw theirs only on a terminal.
    post_photo(collector_client, draft, samples.image_bytes(size=(1200, 900)))
    capsys.readouterr()

    call_command("rebuild_thumbnails", "--all", stdout=StringIO())

    assert capsys.readouterr().err == ""
    assert Blob.objects.get().thumbnail_state == ThumbnailState.READY


def test_rebuild_thumbnails_remakes_thumbnail_objects_that_were_lost(
    backend: str, upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    """docs/operations.md §8: "After losing thumbnail objects", the plain command makes them again."""
    photo_id = upload(samples.image_bytes(size=(1200, 900))).json()["id"]
    blob = Blob.objects.get()
    assert blob.thumbnail_state == ThumbnailState.READY
    storage.delete_object(blob.thumbnail_256_key)  # lost: a bucket restored from an old copy, a bad sync
    out = StringIO()

    call_command("rebuild_thumbnails", stdout=out)

    assert "1 blob(s) done, 0 failed" in out.getvalue()
    assert storage.object_exists(blob.thumbnail_256_key)
    assert storage.object_exists(blob.thumbnail_1024_key)
    links = collector_client.get(photos_url(draft, photo_id)).json()["thumbnails"]
    assert all(fetch(collector_client, link)[0] == 200 for link in links.values())


def test_a_thumbnail_failure_marks_the_blob_and_never_reaches_the_client(
    collector_client: Any, draft: RealEstate
) -> None:
    post_photo(collector_client, draft, samples.image_bytes())
    blob = Blob.objects.get()
    storage.delete_object(blob.key)  # the original vanished from under us

    assert tasks.generate_thumbnails(blob.pk) is False

    assert Blob.objects.get().thumbnail_state == ThumbnailState.FAILED
    out = StringIO()
    with pytest.raises(CommandError, match="1 blob"):  # a non-zero exit status for cron and scripts
        call_command("rebuild_thumbnails", stdout=out)
    assert "0 blob(s) done, 1 failed" in out.getvalue()


def test_giving_up_on_thumbnails_never_downgrades_ones_a_concurrent_run_linked(upload: Any) -> None:
    upload(samples.image_bytes())  # thumbnails made at commit
    ready = Blob.objects.get()

    services.blob_thumbnails_failed(blob_id=ready.pk)  # a task whose retries ran out meanwhile

    blob = Blob.objects.get()
    assert blob.thumbnail_state == ThumbnailState.READY
    assert (blob.thumbnail_256_key, blob.thumbnail_1024_key) == (
        ready.thumbnail_256_key,
        ready.thumbnail_1024_key,
    )


def test_the_thumbnail_task_ignores_a_collected_blob() -> None:
    assert tasks.generate_thumbnails(123456) is False


def test_the_scheduled_gc_task_reports_its_work(
    upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    photo_id = upload(samples.image_bytes()).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))

    assert tasks.gc_media(grace_hours=24)["blobs"] == 0
    result = tasks.gc_media.delay(grace_hours=0).get()

    assert result["blobs"] == 1
    assert result["freed_bytes"] > 0


@pytest.mark.parametrize("grace", ["-1", "nan", "inf", "1e12"])
def test_a_grace_that_is_not_a_usable_number_of_hours_is_refused(grace: str) -> None:
    key = orphan_object(samples.image_bytes())

    with pytest.raises(CommandError, match="--grace must be a number of hours from 0 to") as refusal:
        call_command("gc_media", "--grace", grace)

    assert refusal.value.returncode == 2  # a usage error, as argparse's
    assert stored_keys() == [key]


@pytest.mark.parametrize("grace", [-1, float("nan"), float("inf"), 1e12, "0"])
def test_the_gc_task_refuses_a_grace_that_is_not_a_usable_number_of_hours(grace: Any) -> None:
    """By hand (`gc_media.delay(grace_hours=N)`): a negative grace took objects uploaded a moment
    ago whose rows were not inserted yet, the very race the grace period exists for."""
    key = orphan_object(samples.image_bytes())

    with pytest.raises(ValueError, match="grace_hours must be a number of hours from 0 to"):
        tasks.gc_media(grace_hours=grace)

    assert stored_keys() == [key]


def test_an_unreachable_bucket_is_a_503_and_leaves_no_rows(
    settings: Any, s3_endpoint: str, collector_client: Any, draft: RealEstate
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    set_storage_options(settings, bucket_name="no-such-bucket-here")

    response = post_photo(collector_client, draft, samples.image_bytes())

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "STORAGE_UNAVAILABLE"
    assert not Photo.objects.exists()
    assert not Blob.objects.exists()


def test_an_s3_endpoint_that_is_down_is_a_503_and_leaves_no_rows(
    settings: Any, s3_endpoint: str, collector_client: Any, draft: RealEstate, closed_port: int
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)  # a complete S3 configuration (the shared server keeps running) ...
    closed = f"http://127.0.0.1:{closed_port}"  # ... pointed at a port nothing listens on
    set_storage_options(settings, endpoint_url=closed)
    photo_count = draft.photo_count

    response = post_photo(collector_client, draft, samples.image_bytes())

    assert response.status_code == 503
    body = response.json()
    assert body["error"]["code"] == "STORAGE_UNAVAILABLE"
    assert body["error"]["message"]
    assert not Photo.objects.exists()
    assert not Blob.objects.exists()
    draft.refresh_from_db()
    assert draft.photo_count == photo_count
    assert draft.version == 1


def test_local_leftovers_of_interrupted_writes_are_replaced(upload: Any) -> None:
    normalised = as_stored(samples.image_bytes())
    key = storage.blob_key(normalised.sha256, normalised.extension)
    storage.put_object(key, normalised.data[:10])  # a truncated object at the canonical key

    assert upload(samples.image_bytes()).status_code == 201

    assert storage.read_object(key) == normalised.data
    assert stored_keys()[0] == key
    # Writes go through a temporary file renamed into place: none is left beside the object.
    assert not [
        path
        for path in Path(storage.media_storage().path(key)).parent.iterdir()
        if path.name != Path(key).name
    ]


def test_gc_media_with_the_bucket_unreachable_is_a_clean_error(
    settings: Any, s3_endpoint: str, upload: Any
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    set_storage_options(settings, bucket_name="no-such-bucket-here")

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        call_command("gc_media", "--grace", "0", stdout=StringIO())


def test_rebuild_thumbnails_with_the_bucket_unreachable_is_a_clean_error(
    settings: Any, s3_endpoint: str, upload: Any
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    upload(samples.image_bytes())
    set_storage_options(settings, bucket_name="no-such-bucket-here")

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        call_command("rebuild_thumbnails", stdout=StringIO())
