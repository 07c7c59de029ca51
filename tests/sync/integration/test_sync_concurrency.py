"""No change is missed or repeated while writers commit concurrently and out of order.

Writers run in threads (each its own connection) through the services; the test's thread
syncs at the same time through the API and applies every page to a replica, which must end
equal to the database.
"""

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.real_estates import services
from apps.real_estates.models import RealEstate
from apps.sync.models import RealEstateChange
from apps.sync.services import sync_purge
from apps.users import services as user_services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.sync.helpers import SYNC_URL, Replica, create, database_versions, write_at_random
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 4
OPERATIONS = 60
MAX_READER_PAGES = 5_000


def _in_thread(target: Callable[[], None], failures: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


@contextmanager
def _creating_in_an_open_transaction(collector: User) -> Iterator[list[RealEstate]]:
    """Inside the block, another thread has created a real estate of `collector` in a transaction
    it holds open (it took its transaction id first); it commits when the block ends."""
    written, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    held: list[RealEstate] = []

    def slow_writer() -> None:
        with transaction.atomic():
            held.append(create(collector))
            written.set()
            assert release.wait(timeout=30)

    thread = _in_thread(slow_writer, failures)
    thread.start()
    assert written.wait(timeout=30)
    try:
        yield held
    finally:
        release.set()
        thread.join()
    assert failures == []


def _writer(collector: User, manager: User, seed: int, start: threading.Barrier) -> Callable[[], None]:
    def write() -> None:
        rng = random.Random(seed)
        mine: list[RealEstate] = []
        start.wait()
        for _ in range(OPERATIONS):
            write_at_random(rng, mine, collector=collector, editor=collector, deleter=manager, tag=f"T{seed}")

    return write


def test_a_reader_syncing_during_concurrent_writes_ends_equal_to_the_database() -> None:
    """A manager and one of the collectors sync in turn while the writers run: each replica
    ends equal to what its reader sees in the database (a collector's cursor also moves up to
    the horizon on pages short of the limit, past the other collectors' changes)."""
    manager = UserFactory(role=Role.MANAGER)
    collectors = [UserFactory(role=Role.COLLECTOR) for _ in range(WRITERS)]
    for collector in collectors:  # something for the first (full) read to page through
        create(collector)
    readers = [(manager, bearer_client(manager)), (collectors[0], bearer_client(collectors[0]))]
    start = threading.Barrier(WRITERS + 1)
    failures: list[BaseException] = []
    threads = [
        _in_thread(_writer(collector, manager, seed, start), failures)
        for seed, collector in enumerate(collectors)
    ]
    for thread in threads:
        thread.start()
    replicas = [Replica() for _ in readers]
    highest: list[dict[str, int]] = [{} for _ in readers]

    def pull(reader: int) -> dict[str, Any]:
        body = replicas[reader].pull(readers[reader][1], limit=3)
        ids = [r["id"] for r in body["results"]]
        assert len(ids) == len(set(ids)), "a real estate twice in one page"
        for result in body["results"]:
            if not result.get("deleted"):
                # A later page never answers an older state than an earlier one did.
                assert result["version"] >= highest[reader].get(result["id"], 0)
                highest[reader][result["id"]] = result["version"]
        return body

    start.wait()
    pages_during_writes = 0
    while any(thread.is_alive() for thread in threads) and pages_during_writes < MAX_READER_PAGES:
        pull(pages_during_writes % len(readers))
        pages_during_writes += 1
    for thread in threads:
        thread.join()
    assert failures == []
    for reader, (user, _) in enumerate(readers):
        for _ in range(MAX_READER_PAGES):
            if not pull(reader)["has_more"]:
                break
        assert replicas[reader].versions() == database_versions(user)
    assert pages_during_writes > 2
    assert len(replicas[0].items) > WRITERS
    assert 0 < len(replicas[1].items) < len(replicas[0].items)


def test_a_page_never_passes_a_change_whose_transaction_is_still_open() -> None:
    manager = UserFactory(role=Role.MANAGER)
    early, late = UserFactory(role=Role.COLLECTOR), UserFactory(role=Role.COLLECTOR)
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    with _creating_in_an_open_transaction(early) as held:
        quick = create(late)  # a later transaction, committed while the first is open
        body = replica.pull(client)
        # The committed change waits behind the open transaction; the cursor stays before both.
        assert body["results"] == []
        assert body["has_more"] is False
    replica.drain(client)
    assert set(replica.items) == {str(held[0].pk), str(quick.pk)}
    assert replica.versions() == database_versions(manager)


def test_a_page_that_ends_exactly_where_an_open_transaction_sits_hands_out_its_change_once() -> None:
    """The page is full with the changes committed before the open one (`limit` of them, nothing
    more finished): it ends there, below the open transaction, and the changes committed after it
    come once it commits, in its order, none twice."""
    manager = UserFactory(role=Role.MANAGER)
    ana, bruno = UserFactory(role=Role.COLLECTOR), UserFactory(role=Role.COLLECTOR)
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    before = [create(ana), create(ana)]
    seen: list[str] = []
    with _creating_in_an_open_transaction(bruno) as held:
        after = create(ana)  # a later transaction, committed while the open one holds its change
        body = replica.pull(client, limit=len(before))
        seen += [r["id"] for r in body["results"]]
        assert (seen, body["has_more"]) == ([str(r.pk) for r in before], False)
        assert replica.pull(client, limit=1)["results"] == []
    while True:
        body = replica.pull(client, limit=1)
        seen += [r["id"] for r in body["results"]]
        if not body["has_more"]:
            break
    assert seen == [str(r.pk) for r in (*before, held[0], after)]
    assert replica.versions() == database_versions(manager)


def test_a_first_sync_begun_beside_an_open_transaction_gets_its_change_from_the_log() -> None:
    """The first page takes its start position in the same statement as its rows: a change whose
    transaction is open then is not among the rows, and comes from the log once committed."""
    manager = UserFactory(role=Role.MANAGER)
    early = UserFactory(role=Role.COLLECTOR)
    before = create(early)
    client = bearer_client(manager)
    replica = Replica()
    with _creating_in_an_open_transaction(early) as held:
        body = replica.pull(client)  # a first sync's first page, the writer still open
        assert [item["id"] for item in body["results"]] == [str(before.pk)]
    replica.drain(client)
    assert set(replica.items) == {str(before.pk), str(held[0].pk)}
    assert replica.versions() == database_versions(manager)


def test_a_purge_committing_while_a_page_is_read_leaves_no_silent_gap() -> None:
    """The daily purge commits between the page's statements (right after the purge mark is
    read): the page either still holds the purged change or is a 410, never a page past it."""
    manager, ana = UserFactory(role=Role.MANAGER), UserFactory(role=Role.COLLECTOR)
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    missed = create(ana)
    RealEstateChange.objects.filter(real_estate_id=missed.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    kept = create(ana)
    purged: list[int] = []
    failures: list[BaseException] = []

    def purge_once_the_mark_is_read(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if "sync_purgemark" in sql and not purged:
            thread = _in_thread(lambda: purged.append(sync_purge()), failures)
            thread.start()
            thread.join()
        return result

    with connection.execute_wrapper(purge_once_the_mark_is_read):
        response = client.get(SYNC_URL, {"cursor": replica.cursor})
    assert failures == []
    assert purged == [1]
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["results"]] == [str(missed.pk), str(kept.pk)]


def _until_a_backend_waits_for_a_lock() -> None:
    for _ in range(300):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("no backend ever waited for a lock")


def test_an_erasure_beside_an_open_edit_leaves_no_trace_of_the_user_in_the_log() -> None:
    """A manager's edit of the collector's real estate has recorded its change (with the
    collector's id) but not committed when the erasure starts: once both commit, the log still
    holds no entry naming the erased user."""
    ana, manager, admin = (UserFactory(role=role) for role in (Role.COLLECTOR, Role.MANAGER, Role.ADMIN))
    real_estate = create(ana)
    recorded, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def edit() -> None:
        with transaction.atomic():
            services.real_estate_update(real_estate=real_estate, actor=manager, fields={"bedrooms": 5})
            recorded.set()
            assert release.wait(timeout=30)

    editor = _in_thread(edit, failures)
    editor.start()
    assert recorded.wait(timeout=30)
    eraser = _in_thread(lambda: user_services.user_delete(user=ana, actor=admin), failures)
    eraser.start()
    _until_a_backend_waits_for_a_lock()  # the erasure waits for the edit's row lock
    release.set()
    editor.join()
    eraser.join()
    assert failures == []
    assert not User.objects.filter(pk=ana.pk).exists()
    assert RealEstateChange.objects.filter(real_estate_id=real_estate.pk).count() == 3
    assert not RealEstateChange.objects.filter(collected_by_id=ana.pk).exists()
