"""`gc_media` tells each removal as it happens: a collection the storage interrupts has printed
(the command) or logged (the task) what it removed before the failure, and a long one holds no
list of every removed key."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from structlog.testing import capture_logs

from apps.core import errors
from apps.media import services, tasks
from apps.media.models import Blob
from tests.media import samples
from tests.media.conftest import orphan_object, stored_blob, stored_keys
from tests.media.flaky_s3 import FlakyS3
from tests.threads import in_background

pytestmark = pytest.mark.django_db

NO_GRACE = timedelta(0)


@pytest.fixture
def three_orphans() -> list[str]:
    """Objects no row names (what failed uploads leave), in the order the listing gives them."""
    return sorted(orphan_object(samples.image_bytes(color=colour)) for colour in ("#e33", "#3e3", "#33e"))


def test_the_command_has_printed_what_it_removed_when_the_storage_fails(
    on_flaky_s3: FlakyS3, three_orphans: list[str]
) -> None:
    first, second, third = three_orphans
    on_flaky_s3.fail(method="DELETE", path_contains=second, times=1)
    out = StringIO()

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        call_command("gc_media", "--grace", "0", stdout=out)

    assert out.getvalue().splitlines() == [f"Removed orphan object {first}"]
    assert stored_keys() == [second, third]


def test_the_task_has_logged_what_it_removed_when_the_storage_fails(
    on_flaky_s3: FlakyS3, three_orphans: list[str]
) -> None:
    first, second, _ = three_orphans
    on_flaky_s3.fail(method="DELETE", path_contains=second, times=1)

    with capture_logs() as logs, pytest.raises(errors.StorageUnavailable):
        tasks.gc_media(grace_hours=0)

    removals = [(log["kind"], log["name"]) for log in logs if log["event"] == "media_gc_removed"]
    assert removals == [("object", first)]


def test_a_collection_told_of_each_removal_keeps_only_the_counts(three_orphans: list[str]) -> None:
    told: list[tuple[str, str]] = []

    report = services.media_gc(grace=NO_GRACE, removed=lambda kind, name: told.append((kind, name)))

    assert told == [("object", key) for key in three_orphans]
    assert (report.blob_count, report.object_count) == (0, 3)
    assert report.freed_bytes > 0
    assert (report.blobs, report.objects) == ([], [])  # not kept: a mass deletion is millions of keys
    assert stored_keys() == []


def test_the_command_prints_the_same_lines_as_before(three_orphans: list[str]) -> None:
    out = StringIO()

    call_command("gc_media", "--grace", "0", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:-1] == [f"Removed orphan object {key}" for key in three_orphans]
    assert lines[-1].startswith("Removed 0 blob(s) and 3 orphan object(s), ")


class _ClosedPipe(StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_goes_away_ends_the_collection_quietly_where_it_stood(
    three_orphans: list[str],
) -> None:
    """`gc_media | head -1`: the first removal is printed into a closed pipe; the command stops
    there without a traceback, and what it removed stays removed."""
    call_command("gc_media", "--grace", "0", stdout=_ClosedPipe())  # no exception

    assert stored_keys() == three_orphans[1:]


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_tells_a_blob_once_it_holds_no_lock_on_it() -> None:
    """`gc_media --dry-run | less`: a reader that stops reading blocks the write of a line. The
    blob must not stay locked meanwhile, or an upload of the same bytes waits on the pager."""
    blob = stored_blob(samples.image_bytes())
    locked_elsewhere: list[object] = []

    def lock_the_blob() -> object:
        with transaction.atomic():
            locked = Blob.objects.select_for_update(nowait=True).filter(pk=blob.pk)
            return list(locked.values_list("pk", flat=True))

    def told(kind: str, name: str) -> None:
        thread, outcome = in_background(lock_the_blob)
        thread.join(timeout=30)
        locked_elsewhere.append(outcome[0])

    report = services.media_gc(grace=NO_GRACE, dry_run=True, removed=told)

    assert report.blob_count == 1
    assert locked_elsewhere == [[blob.pk]]  # not "could not obtain lock on row"
