"""The garbage collector: what it removes, what it keeps, and uploads racing it."""

import io
import threading
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.core.locks import lock_key
from apps.media import services, storage
from apps.media.models import Blob, Photo
from apps.media.services import photos
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.media import samples
from tests.media.conftest import orphan_object, photos_url, stored_keys
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background

pytestmark = pytest.mark.django_db

NO_GRACE = timedelta(0)


def test_it_removes_unreferenced_blobs_with_their_thumbnails(
    backend: str, upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    photo_id = upload(samples.image_bytes(size=(1600, 1200))).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))
    assert len(stored_keys()) == 3  # the image and two renditions

    report = services.media_gc(grace=NO_GRACE)

    assert len(report.blobs) == 1
    assert report.freed_bytes > 0
    assert not Blob.objects.exists()
    assert stored_keys() == []


def test_it_keeps_referenced_blobs(backend: str, upload: Any) -> None:
    upload(samples.image_bytes())
    keys = stored_keys()

    report = services.media_gc(grace=NO_GRACE)

    assert report.blobs == []
    assert report.objects == []
    assert stored_keys() == keys
    assert Blob.objects.count() == 1


def test_files_in_use_are_passed_over_without_a_key_lock(backend: str, upload: Any) -> None:
    """Past the grace period every stored file is a candidate; those a row names (most of them)
    are found in batches and skipped before any per-file transaction and lock: only a row-less
    one is locked and re-checked (docs/adr/0032, addendum)."""
    upload(samples.image_bytes(size=(1600, 1200)))
    upload(samples.image_bytes(size=(1600, 1200), color="#123456"))
    row_less = orphan_object(samples.image_bytes(color="#654321"))
    in_use = [key for key in stored_keys() if key != row_less]
    assert len(in_use) == 6

    with CaptureQueriesContext(connection) as captured:
        report = services.media_gc(grace=NO_GRACE)

    assert report.objects == [row_less]
    assert stored_keys() == in_use
    locks = [q for q in captured.captured_queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(locks) == 1


def test_it_removes_objects_no_row_knows_once_past_the_grace_period(backend: str) -> None:
    key = orphan_object(samples.image_bytes())

    kept = services.media_gc()  # default grace: 24 h, the object is seconds old
    assert kept.objects == []
    assert stored_keys() == [key]

    removed = services.media_gc(grace=NO_GRACE)
    assert removed.objects == [key]
    assert stored_keys() == []


def test_a_dry_run_removes_nothing(upload: Any, collector_client: Any, draft: RealEstate) -> None:
    photo_id = upload(samples.image_bytes()).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))
    orphan_object(samples.image_bytes("PNG"))
    keys = stored_keys()
    out = StringIO()

    call_command("gc_media", "--dry-run", "--grace", "0", stdout=out)

    assert "Would remove 1 blob(s) and 1 orphan object(s)" in out.getvalue()
    assert stored_keys() == keys
    assert Blob.objects.count() == 1


def test_a_dry_run_reports_the_bytes_the_collection_then_frees(
    backend: str, upload: Any, collector_client: Any, draft: RealEstate
) -> None:
    photo_id = upload(samples.image_bytes(size=(1600, 1200))).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))
    stored_bytes = sum(obj.size for obj in storage.iter_objects())  # the image and two renditions

    planned = services.media_gc(grace=NO_GRACE, dry_run=True)
    done = services.media_gc(grace=NO_GRACE)

    assert planned.freed_bytes == done.freed_bytes == stored_bytes
    assert stored_keys() == []


def test_the_command_prints_what_it_removed_and_the_bytes_freed(upload: Any) -> None:
    key = orphan_object(samples.image_bytes("PNG"))
    out = StringIO()

    call_command("gc_media", "--grace", "0", stdout=out)

    size_line = out.getvalue().splitlines()[-1]
    assert f"Removed orphan object {key}" in out.getvalue()
    assert size_line.startswith("Removed 0 blob(s) and 1 orphan object(s),")
    assert size_line.endswith(" bytes.")


def test_an_upload_whose_blob_is_collected_midway_writes_it_again(
    backend: str, upload: Any, collector_client: Any, draft: RealEstate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload saw the (unreferenced) blob row, skipped its write; gc then took row and object."""
    photo_id = upload(samples.image_bytes()).json()["id"]
    collector_client.delete(photos_url(draft, photo_id))
    link = photos._link_photo
    collected: list[services.GcReport] = []

    def gc_then_link(**kwargs: Any) -> services.UploadResult:
        if not collected:
            collected.append(services.media_gc(grace=NO_GRACE))
        return link(**kwargs)

    monkeypatch.setattr(photos, "_link_photo", gc_then_link)

    response = upload(samples.image_bytes())

    assert len(collected[0].blobs) == 1  # the collector did win the first round
    assert response.status_code == 201
    blob = Blob.objects.get()
    assert storage.object_exists(blob.key)
    assert storage.read_object(blob.key)


def test_an_upload_racing_the_collector_on_an_old_orphan_object_keeps_it(
    backend: str, upload: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The object is an old leftover; gc lists it just before the upload links it."""
    key = orphan_object(samples.image_bytes())
    iter_objects = storage.iter_objects
    response_holder: list[Any] = []

    def listing_then_upload() -> Any:
        listed = list(iter_objects())
        response_holder.append(upload(samples.image_bytes()))  # links while gc holds its listing
        return iter(listed)

    monkeypatch.setattr(storage, "iter_objects", listing_then_upload)

    services.media_gc(grace=NO_GRACE)

    assert response_holder[0].status_code == 201
    assert Blob.objects.get().key == key
    assert storage.object_exists(key)  # gc re-checked for a row under the key lock


@pytest.mark.django_db(transaction=True)
def test_two_parallel_identical_uploads_make_one_blob_and_no_error(collector: User) -> None:
    first, second = RealEstateFactory(collected_by=collector), RealEstateFactory(collected_by=collector)
    data = samples.image_bytes("PNG", size=(300, 200))
    barrier = threading.Barrier(2)
    results: list[Any] = []
    failures: list[BaseException] = []

    def run(real_estate: RealEstate) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                services.photo_upload(real_estate=real_estate, actor=collector, file=io.BytesIO(data))
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(re,)) for re in (first, second, first)]
    barrier = threading.Barrier(len(threads))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert Blob.objects.count() == 1
    assert Photo.objects.count() == 2
    assert sorted(result.created for result in results) == [False, True, True]
    assert [k for k in stored_keys() if k.startswith("blobs/")] == [Blob.objects.get().key]
    assert {RealEstate.objects.get(pk=re.pk).photo_count for re in (first, second)} == {1}


def test_an_upload_repairs_a_blob_whose_object_went_missing(backend: str, upload: Any) -> None:
    upload(samples.image_bytes())
    blob = Blob.objects.get()
    Photo.objects.all().delete()
    storage.delete_object(blob.key)

    response = upload(samples.image_bytes())

    assert response.status_code == 201
    assert storage.object_exists(blob.key)


@pytest.mark.django_db(transaction=True)
def test_an_upload_waits_for_the_collectors_key_lock_and_then_rewrites_the_object(collector: User) -> None:
    """Real threads, real PostgreSQL advisory locks: the collector holds the key lock and deletes
    the object; the upload, blocked on that lock, finds the object gone and writes it again."""
    real_estate = RealEstateFactory(collected_by=collector)
    data = samples.image_bytes("PNG", size=(50, 40))
    key = orphan_object(data)
    collector_has_lock, collector_may_finish = threading.Event(), threading.Event()
    results: list[Any] = []
    failures: list[BaseException] = []

    def collector_thread() -> None:
        try:
            with transaction.atomic():
                lock_key(key)
                collector_has_lock.set()
                assert collector_may_finish.wait(timeout=30)
                storage.delete_object(key)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    def upload_thread() -> None:
        try:
            results.append(
                services.photo_upload(real_estate=real_estate, actor=collector, file=io.BytesIO(data))
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connection.close()

    gc = threading.Thread(target=collector_thread)
    gc.start()
    assert collector_has_lock.wait(timeout=30)
    uploader = threading.Thread(target=upload_thread)
    uploader.start()
    _wait_for_a_blocked_advisory_lock()
    collector_may_finish.set()
    gc.join(timeout=30)
    uploader.join(timeout=30)

    assert failures == []
    assert results[0].created
    assert Blob.objects.get().key == key
    assert storage.object_exists(key)


def _wait_for_a_blocked_advisory_lock() -> None:
    """Until some session waits on an advisory lock (the upload, stuck behind the collector)."""
    for _ in range(600):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return
        threading.Event().wait(0.05)
    raise AssertionError("the upload never waited on the key lock")


def test_a_request_failing_after_its_write_removes_the_object_it_wrote(
    backend: str, upload: Any, draft: RealEstate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.real_estates.models import Status

    put_object = storage.put_object
    written: list[str] = []

    def write_then_lose_the_race(key: str, data: bytes) -> None:
        put_object(key, data)
        written.append(key)
        RealEstate.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)  # submitted meanwhile

    monkeypatch.setattr(storage, "put_object", write_then_lose_the_race)

    response = upload(samples.image_bytes())

    assert response.status_code == 409
    assert len(written) == 1
    assert not Blob.objects.exists()
    assert not Photo.objects.exists()
    assert stored_keys() == []


def test_a_failed_request_keeps_an_object_the_same_bytes_were_linked_to_meanwhile(
    backend: str, upload: Any, draft: RealEstate, collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.real_estates.models import Status

    put_object = storage.put_object
    other = RealEstateFactory(collected_by=collector)
    data = samples.image_bytes()

    def write_then_lose_the_race(key: str, data_written: bytes) -> None:
        put_object(key, data_written)
        if not Photo.objects.filter(real_estate=other).exists():
            # Another request uploads the same bytes to another real estate, and commits.
            monkeypatch.setattr(storage, "put_object", put_object)
            photos.photo_upload(real_estate=other, actor=collector, file=io.BytesIO(data), caption="")
            RealEstate.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)

    monkeypatch.setattr(storage, "put_object", write_then_lose_the_race)

    response = upload(data)

    assert response.status_code == 409
    blob = Blob.objects.get()
    assert Photo.objects.get().real_estate_id == other.pk
    assert blob.key in stored_keys()


@pytest.mark.django_db(transaction=True)
def test_an_upload_the_database_fails_after_its_write_removes_the_object_it_wrote(collector: User) -> None:
    """Production's web workers run with a statement timeout: an upload stuck behind a long lock
    on its real estate is cancelled there (a 503), after its object was written."""
    real_estate = RealEstateFactory(collected_by=collector)
    holding, release = threading.Event(), threading.Event()

    def hold_the_real_estate() -> None:
        with transaction.atomic():
            RealEstate.objects.select_for_update().get(pk=real_estate.pk)
            holding.set()
            release.wait(timeout=30)

    holder, _ = in_background(hold_the_real_estate)
    assert holding.wait(timeout=30)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 200")
        with pytest.raises(OperationalError):
            services.photo_upload(
                real_estate=real_estate, actor=collector, file=io.BytesIO(samples.image_bytes())
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
        release.set()
        holder.join(timeout=30)

    assert not Blob.objects.exists()
    assert stored_keys() == []
