"""`manage.py gc_media` when the database cancels one of its statements (a lock held past the
statement timeout, a lost connection): a CommandError after the removals it printed, not a
traceback. Real PostgreSQL: an upload's key lock held by another connection past this
connection's 300 ms statement timeout."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from apps.core.locks import lock_key
from apps.media.models import Blob
from tests.media import samples
from tests.media.conftest import stored_blob
from tests.threads import in_background

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_collection_whose_lock_wait_is_cancelled_ends_in_a_command_error(
    impatient_connection: None,
) -> None:
    blob = stored_blob(samples.image_bytes())  # unreferenced: the collector's to take
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # an upload of the same bytes, linking them
        with transaction.atomic():
            lock_key(blob.key)
            held.set()
            release.wait(timeout=30)

    thread, _ = in_background(hold)
    assert held.wait(timeout=10)
    out = StringIO()
    try:
        with pytest.raises(CommandError) as raised:
            call_command("gc_media", "--grace", "0", stdout=out)
    finally:
        release.set()
        thread.join(timeout=30)

    assert str(raised.value).startswith("SERVICE_UNAVAILABLE: ")
    assert Blob.objects.filter(pk=blob.pk).exists()  # nothing half-done: the next run takes it
