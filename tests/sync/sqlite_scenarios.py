"""The sync on SQLite (the embedded default `make run` serves), scenario by scenario, each run by
test_sqlite.py in a subprocess on its own SQLite file (the suite itself runs on PostgreSQL).

`python -m tests.sync.sqlite_scenarios <scenario>` with DJANGO_SETTINGS_MODULE=config.settings.local
and DATABASE_URL pointing at an empty SQLite file: migrates, runs the scenario and exits non-zero
(an AssertionError) when the sync misbehaves; prints "<scenario> ok" otherwise.
`writer` is not a scenario: the `concurrent_writers` scenario starts it in processes of their own,
as `make run`'s two granian workers write to the same file.
"""

import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import django

WRITERS = 3
OPERATIONS = 40


def _users() -> tuple[Any, Any, Any]:
    from apps.users.models import Role, User

    ana = User.objects.create_user(cpf="52998224725", name="Ana Lima", password="x" * 12, role=Role.COLLECTOR)
    bia = User.objects.create_user(cpf="39053344705", name="Bia Reis", password="x" * 12, role=Role.COLLECTOR)
    manager = User.objects.create_user(
        cpf="11144477735", name="Gil Souza", password="x" * 12, role=Role.MANAGER
    )
    return ana, bia, manager


def _client(user: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(user)
    return client


def _get(client: Any, cursor: str | None, limit: int = 3) -> Any:
    from tests.sync.helpers import SYNC_URL

    params: dict[str, Any] = {"limit": limit}
    if cursor is not None:
        params["cursor"] = cursor
    return client.get(SYNC_URL, params)


def after_a_purge_of_the_whole_log() -> None:
    """Every entry is older than the retention and purged: a first sync begun then must hand out a
    cursor its next page accepts (not a 410 that a new first sync would meet again)."""
    from django.utils import timezone

    from apps.sync.services import sync_purge
    from tests.sync.helpers import Replica, create

    ana, _, manager = _users()
    create(ana)
    assert sync_purge(now=timezone.now() + timedelta(days=31)) == 1
    for user in (ana, manager):
        replica, client = Replica(), _client(user)
        replica.drain(client, limit=1)
        replica.drain(client, limit=1)  # a later poll with the stored cursor
        assert len(replica.items) == 1


def writer(seed: int) -> None:
    """Writes through the services, as a server process would: creates, edits, deletes, sometimes
    two writes in one transaction."""
    from apps.users.models import Role, User
    from tests.sync.helpers import write_at_random

    collectors = list(User.objects.filter(role=Role.COLLECTOR).order_by("cpf"))
    manager = User.objects.get(role=Role.MANAGER)
    rng = random.Random(seed)
    mine: list[Any] = []
    for _ in range(OPERATIONS):
        time.sleep(rng.random() / 50)  # now and then the readers catch up: pages short of the limit
        collector = collectors[rng.randrange(len(collectors))]
        write_at_random(
            rng, mine, collector=collector, editor=manager, deleter=manager, tag=f"T{seed}", create_below=0.4
        )


def concurrent_writers() -> None:
    """Writer processes commit concurrently while a manager (`limit=3`) and a collector (`limit=20`:
    pages short of the limit, whose cursor moves up to the horizon) sync through the API: each
    replica ends equal to what its reader sees in the database, and a later page never answers an
    older version than an earlier one."""
    from tests.sync.helpers import Replica, create, database_versions

    ana, bia, manager = _users()
    create(ana)
    create(bia)
    writers = [
        subprocess.Popen(  # noqa: S603 - this module, with a number
            [sys.executable, "-m", "tests.sync.sqlite_scenarios", "writer", str(seed)], env=os.environ
        )
        for seed in range(WRITERS)
    ]
    readers: list[tuple[Any, Any, Replica, dict[str, int], int]] = [
        (manager, _client(manager), Replica(), {}, 3),
        (ana, _client(ana), Replica(), {}, 20),
    ]
    pages = short_with_changes = 0

    def pull(reader: tuple[Any, Any, Replica, dict[str, int], int]) -> bool:
        nonlocal short_with_changes
        _, client, replica, highest, limit = reader
        body = replica.pull(client, limit=limit)
        if body["results"] and not body["has_more"]:
            short_with_changes += 1
        ids = [r["id"] for r in body["results"]]
        assert len(ids) == len(set(ids)), "a real estate twice in one page"
        for result in body["results"]:
            if not result.get("deleted"):
                assert result["version"] >= highest.get(result["id"], 0), result
                highest[result["id"]] = result["version"]
        return bool(body["has_more"])

    while any(process.poll() is None for process in writers):
        pull(readers[pages % 2])
        pages += 1
    assert [process.wait() for process in writers] == [0] * WRITERS
    for reader in readers:
        while pull(reader):
            pass
        user, _, replica, _, _ = reader
        assert replica.versions() == database_versions(user), (replica.versions(), database_versions(user))
    print(f"{pages} pages, {short_with_changes} short ones with changes")  # noqa: T201 - for a reader of the log
    assert pages > 2, pages
    assert short_with_changes > 2, short_with_changes
    assert 0 < len(readers[1][2].items) < len(readers[0][2].items)


def every_write_path() -> None:
    """The API (a create, a photo upload whose thumbnail the in-process task makes and turns
    into the cover, a caption), the admin's bulk actions (approve, delete), a command
    (`rebuild_thumbnails --all`) and an erasure: a manager's and a collector's replicas end as the
    list shows the real estates, and a deletion reaches the collector as a tombstone."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from apps.real_estates import services
    from apps.users import services as user_services
    from apps.users.models import Role, User
    from tests.media.samples import image_bytes
    from tests.real_estates.helpers import payload
    from tests.sync.helpers import Replica, create

    ana, bia, manager = _users()
    admin = User.objects.create_user(cpf="86288366757", name="Rui Alves", password="x" * 12, role=Role.ADMIN)
    gone = create(ana)
    create(bia)
    ana_client = _client(ana)
    replicas = {ana: Replica(), manager: Replica()}
    for user, replica in replicas.items():
        replica.drain(_client(user), limit=2)
    created = ana_client.post(reverse("real-estate-list"), payload(), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    upload = ana_client.post(
        reverse("real-estate-photos", kwargs={"real_estate_id": pk}),
        {"file": SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    photo = reverse("real-estate-photo", kwargs={"real_estate_id": pk, "photo_id": upload.json()["id"]})
    assert ana_client.patch(photo, {"caption": "Fachada"}, format="json").status_code == 200
    services.real_estate_submit(real_estate=services.RealEstate.objects.get(pk=pk), actor=ana)
    site = Client(SERVER_NAME="localhost")
    site.force_login(admin)
    changelist = reverse("admin:real_estates_realestate_changelist")
    approved = site.post(changelist, {"action": "approve_selected", "_selected_action": [pk]}, follow=True)
    assert services.RealEstate.objects.get(pk=pk).status == "approved", approved.content.decode()[-3000:]
    deleted = site.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [str(gone.pk)], "post": "yes"},
        follow=True,
    )
    assert not services.RealEstate.objects.filter(pk=gone.pk).exists(), deleted.content.decode()[-3000:]
    call_command("rebuild_thumbnails", "--all", verbosity=0)
    user_services.user_delete(user=bia, actor=admin)
    for user, replica in replicas.items():
        replica.drain(_client(user), limit=2)
        listed = _client(user).get(reverse("real-estate-list"), {"page_size": 100}).json()["results"]
        shown = {item["id"]: item for item in listed}
        assert set(replica.items) == set(shown), (replica.items, shown)
        for key, item in replica.items.items():
            for name, value in shown[key].items():
                if name != "cover":  # a signed link: its timestamp may differ
                    assert item[name] == value, (name, item[name], value)
            assert (item["cover"] is None) == (shown[key]["cover"] is None)
    assert replicas[manager].items[pk]["status"] == "approved"
    assert replicas[manager].items[pk]["cover"] is not None
    assert str(gone.pk) not in replicas[ana].items


def expired_and_bad_cursors() -> None:
    """A cursor unused for longer than the retention, or behind what the purge task (run in-process,
    as Celery is eager without a broker) removed, is a 410, and a fresh sync recovers; a malformed
    cursor or another user's is a 400 naming the cursor."""
    import time_machine
    from django.utils import timezone

    from apps.sync.models import RealEstateChange
    from apps.sync.tasks import purge_sync_log
    from tests.sync.helpers import Replica, create

    ana, bia, _ = _users()
    client = _client(ana)
    replica = Replica()
    replica.drain(client)
    stale = replica.cursor
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        response = _get(client, stale)
        assert (response.status_code, response.json()["error"]["code"]) == (410, "SYNC_CURSOR_EXPIRED")
    kept = create(ana)
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=31))
    assert purge_sync_log.delay().get() == {"deleted": 1}
    response = _get(client, stale)
    assert (response.status_code, response.json()["error"]["code"]) == (410, "SYNC_CURSOR_EXPIRED")
    fresh = Replica()
    fresh.drain(client)
    assert set(fresh.items) == {str(kept.pk)}
    for cursor in ("garbage", fresh.cursor):
        response = _get(_client(bia), cursor)
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert (error["code"], error["fields"]["cursor"][0]["code"]) == (
            "VALIDATION_ERROR",
            "sync_cursor_invalid",
        )


def after_a_restore() -> None:
    """The file is put back as an older copy of it held it (its changes after the copy gone, its
    ids counted from there again): a cursor issued since stands beyond the log and is a 410 at
    once; after `manage.py expire_sync_cursors`, so is one issued before the copy, and a fresh
    sync matches the database."""
    from django.core.management import call_command
    from django.db import connection

    from apps.real_estates.models import RealEstate
    from apps.sync.models import RealEstateChange
    from tests.sync.helpers import Replica, create

    ana, _, _ = _users()
    client = _client(ana)
    kept = create(ana)
    before_the_copy = Replica()
    before_the_copy.drain(client)
    copied_up_to = RealEstateChange.objects.order_by("-id").values_list("id", flat=True).first()
    since = Replica()
    since.drain(client)
    lost = create(ana)
    create(ana, title="Outra")
    since.drain(client)
    # The restore, as the older copy holds the database.
    RealEstate.objects.exclude(pk=kept.pk).delete()
    RealEstateChange.objects.filter(id__gt=copied_up_to).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [copied_up_to, "sync_realestatechange"]
        )
    assert str(lost.pk) in since.items
    create(ana, title="Depois")  # takes an id the lost changes had
    response = _get(client, since.cursor)
    assert (response.status_code, response.json()["error"]["code"]) == (410, "SYNC_CURSOR_EXPIRED")

    call_command("expire_sync_cursors", verbosity=0)
    response = _get(client, before_the_copy.cursor)
    assert (response.status_code, response.json()["error"]["code"]) == (410, "SYNC_CURSOR_EXPIRED")
    fresh = Replica()
    fresh.drain(client)
    assert fresh.versions() == {
        str(pk): version for pk, version in RealEstate.objects.values_list("pk", "version")
    }
    added = create(ana, title="Mais uma")
    assert [r["id"] for r in fresh.pull(client)["results"]] == [str(added.pk)]


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    assert connection.vendor == "sqlite"
    name, *args = sys.argv[1:]
    if name == "writer":
        writer(int(args[0]))
        return
    call_command("migrate", verbosity=0)
    globals()[name]()
    print(f"{name} ok")  # noqa: T201 - what the test reads


if __name__ == "__main__":
    main()
