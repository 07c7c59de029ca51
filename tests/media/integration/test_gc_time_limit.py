"""The daily collection on a real worker is held to its own time limit, not to the one every
quick task has (240 s soft): at production size its listing alone takes longer, and a run the
limit kills every day never reaches the end of the bucket (docs/adr/0032, addendum)."""

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.db import transaction

from apps.core.locks import lock_key
from apps.media import storage
from tests.media import samples
from tests.media.conftest import orphan_object
from tests.threads import in_background, wait_for_a_lock_wait
from tests.worker import start_worker, wait_result

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def impatient_worker(
    django_db_setup: None, worker_media_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Celery]:
    """A worker whose tasks get 1 s soft / 2 s hard unless they declare their own limits."""
    yield from start_worker(
        media_root=worker_media_root,
        log_dir=tmp_path_factory.mktemp("impatient-worker"),
        extra_env={"CELERY_TASK_SOFT_TIME_LIMIT": "1", "CELERY_TASK_TIME_LIMIT": "2"},
    )


def test_the_collection_outlasts_the_limit_of_a_quick_task(
    impatient_worker: Celery, use_worker_media: Path
) -> None:
    key = orphan_object(samples.image_bytes(color="#444"))  # a failed upload's leftover ...
    two_days_ago = time.time() - 2 * 86400
    os.utime(use_worker_media / key, (two_days_ago, two_days_ago))  # ... past the grace period
    held = threading.Event()

    def hold_the_key() -> None:  # an upload linking it would hold it
        with transaction.atomic():
            lock_key(key)
            held.set()
            wait_for_a_lock_wait()  # the collection waits for the key ...
            time.sleep(3)  # ... past a quick task's hard limit (2 s), counted from then

    thread, outcome = in_background(hold_the_key)
    assert held.wait(10)

    report = wait_result(impatient_worker.send_task("apps.media.tasks.gc_media"))

    thread.join()
    assert outcome == [None]  # the collection did wait for the key
    assert report["objects"] == 1
    assert not storage.object_exists(key)
