"""GET /api/v1/sync/real-estates: full sync, changes after a cursor, scope and tombstones.

`transaction=True`: on PostgreSQL the sync only hands out changes whose transaction has ended,
so the test's writes must really commit.
"""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from apps.real_estates import services
from apps.real_estates.models import RealEstate
from apps.sync.models import RealEstateChange
from apps.users import services as user_services
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.media.factories import PhotoFactory
from tests.media.samples import image_bytes
from tests.real_estates.factories import RealEstateFactory
from tests.sync.helpers import SYNC_URL, Replica, create, database_versions
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "ana": UserFactory(role=Role.COLLECTOR),
        "bruno": UserFactory(role=Role.COLLECTOR),
        "manager": UserFactory(role=Role.MANAGER),
        "admin": UserFactory(role=Role.ADMIN),
    }


def test_a_first_sync_pages_through_everything_a_manager_sees(people: dict[str, User]) -> None:
    # Rows written without the log (as seeding does) still come: a first sync reads the table.
    RealEstateFactory.create_batch(5, collected_by=people["ana"])
    for _ in range(3):
        create(people["bruno"])
    client = bearer_client(people["manager"])
    replica = Replica()
    first = replica.pull(client, limit=3)
    assert first["has_more"] is True
    assert len(first["results"]) == 3
    replica.drain(client, limit=3)
    assert replica.versions() == database_versions(people["manager"])
    assert len(replica.items) == 8
    item = next(iter(replica.items.values()))
    assert set(item) == {
        "id", "title", "kind", "purpose", "status", "price", "area_m2", "bedrooms", "city", "state",
        "collected_by", "photo_count", "cover", "created_at", "updated_at", "version",
    }  # fmt: skip


def test_a_collector_syncs_only_their_own(people: dict[str, User]) -> None:
    own = [create(people["ana"]) for _ in range(2)]
    create(people["bruno"])
    client = bearer_client(people["ana"])
    replica = Replica()
    replica.drain(client)
    assert set(replica.items) == {str(r.pk) for r in own}
    # Later changes of someone else's real estate stay out of their sync.
    services.real_estate_update(
        real_estate=create(people["bruno"]), actor=people["bruno"], fields={"bedrooms": 9}
    )
    body = replica.pull(client)
    assert body == {"results": [], "next_cursor": body["next_cursor"], "has_more": False}


def test_it_answers_what_changed_after_the_cursor_in_commit_order(people: dict[str, User]) -> None:
    ana, manager = people["ana"], people["manager"]
    first, second, third = create(ana), create(ana), create(ana)
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    services.real_estate_update(real_estate=second, actor=ana, fields={"title": "Sobrado reformado"})
    services.real_estate_delete(real_estate=first, actor=manager)
    fourth = create(ana)
    body = replica.pull(client)
    assert [(r["id"], r.get("deleted", False)) for r in body["results"]] == [
        (str(second.pk), False),
        (str(first.pk), True),
        (str(fourth.pk), False),
    ]
    assert body["results"][0]["title"] == "Sobrado reformado"
    assert body["results"][0]["version"] == 2
    assert body["results"][1] == {"id": str(first.pk), "deleted": True}
    assert body["has_more"] is False
    # Nothing is answered twice: the next page is empty, and so is the one after.
    assert replica.pull(client)["results"] == []
    assert replica.pull(client)["results"] == []
    assert replica.versions() == database_versions(manager)
    assert str(third.pk) in replica.items


def test_several_changes_of_one_real_estate_in_a_page_come_once_as_it_is_now(people: dict[str, User]) -> None:
    ana = people["ana"]
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    real_estate = create(ana)
    for bedrooms in (4, 5, 6):
        real_estate = services.real_estate_update(
            real_estate=real_estate, actor=ana, fields={"bedrooms": bedrooms}
        )
    body = replica.pull(client)
    assert [(r["id"], r["bedrooms"], r["version"]) for r in body["results"]] == [(str(real_estate.pk), 6, 4)]
    # Created then deleted between two syncs: only a tombstone.
    doomed = create(ana)
    services.real_estate_delete(real_estate=doomed, actor=ana)
    assert replica.pull(client)["results"] == [{"id": str(doomed.pk), "deleted": True}]


def test_pages_of_the_log_follow_the_limit_without_losing_or_repeating(people: dict[str, User]) -> None:
    ana = people["ana"]
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    created = [create(ana) for _ in range(7)]
    seen: list[str] = []
    while True:
        body = replica.pull(client, limit=2)
        assert len(body["results"]) <= 2
        seen += [r["id"] for r in body["results"]]
        if not body["has_more"]:
            break
    assert seen == [str(r.pk) for r in created]


def test_every_workflow_step_is_a_change(people: dict[str, User], settings: Any) -> None:
    ana, manager = people["ana"], people["manager"]
    real_estate = PhotoFactory(real_estate=create(ana)).real_estate  # (photos: their own test)
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    steps = [
        lambda r: services.real_estate_submit(real_estate=r, actor=ana),
        lambda r: services.real_estate_reject(real_estate=r, actor=manager, reason="Fotos escuras"),
        lambda r: services.real_estate_update(real_estate=r, actor=ana, fields={"bedrooms": 2}),
        lambda r: services.real_estate_submit(real_estate=r, actor=ana),
        lambda r: services.real_estate_approve(real_estate=r, actor=manager),
        lambda r: services.real_estate_archive(real_estate=r, actor=manager),
    ]
    statuses = []
    for step in steps:
        real_estate = step(real_estate)
        body = replica.pull(client)
        statuses += [r["status"] for r in body["results"]]
    assert statuses == ["submitted", "rejected", "draft", "submitted", "approved", "archived"]


def test_photo_changes_are_changes_of_their_real_estate(people: dict[str, User]) -> None:
    ana = people["ana"]
    real_estate = create(ana)
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    photos_url = reverse("real-estate-photos", kwargs={"real_estate_id": real_estate.pk})
    upload = client.post(
        photos_url,
        {"file": SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    (item,) = replica.pull(client)["results"]
    assert (item["id"], item["photo_count"]) == (str(real_estate.pk), 1)
    assert item["cover"] is not None  # the thumbnail was made in-process and copied to the cover
    photo_url = reverse(
        "real-estate-photo", kwargs={"real_estate_id": real_estate.pk, "photo_id": upload.json()["id"]}
    )
    assert client.patch(photo_url, {"caption": "Fachada"}, format="json").status_code == 200
    (item,) = replica.pull(client)["results"]
    assert item["version"] > 2
    assert client.delete(photo_url).status_code == 204
    (item,) = replica.pull(client)["results"]
    assert (item["photo_count"], item["cover"]) == (0, None)
    assert replica.versions() == database_versions(ana)


def test_a_rename_and_an_erasure_of_the_collector_reach_a_managers_sync(people: dict[str, User]) -> None:
    ana, manager, admin = people["ana"], people["manager"], people["admin"]
    owned = [create(ana) for _ in range(2)]
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    user_services.user_update_profile(user=ana, name="Ana Paula Lima")
    body = replica.pull(client)
    assert sorted(r["id"] for r in body["results"]) == sorted(str(r.pk) for r in owned)
    assert {r["collected_by"]["name"] for r in body["results"]} == {"Ana Paula Lima"}
    user_services.user_delete(user=ana, actor=admin)
    body = replica.pull(client)
    assert sorted(r["id"] for r in body["results"]) == sorted(str(r.pk) for r in owned)
    assert {r["collected_by"] is None for r in body["results"]} == {True}
    # The erased user's id stays nowhere in the log (it is personal data).
    assert not RealEstateChange.objects.filter(collected_by_id=ana.pk).exists()
    assert RealEstateChange.objects.filter(real_estate_id=owned[0].pk).count() == 3


def test_a_change_of_a_real_estate_that_left_a_collectors_view_is_a_tombstone_for_them(
    people: dict[str, User],
) -> None:
    ana, bruno = people["ana"], people["bruno"]
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    real_estate = create(ana)
    # No service moves a real estate to another collector (erasure only empties it); a row moved
    # by hand still leaves the sync of the collector the change was recorded for.
    RealEstate.objects.filter(pk=real_estate.pk).update(collected_by=bruno)
    assert replica.pull(client)["results"] == [{"id": str(real_estate.pk), "deleted": True}]
    assert replica.items == {}


def test_seeded_real_estates_reach_a_sync_that_follows_the_log(
    people: dict[str, User],
) -> None:
    client = bearer_client(people["manager"])
    replica = Replica()
    replica.drain(client)
    call_command("seed_demo", "--users", "3", "--real-estates", "7", "--batch-size", "3", verbosity=0)
    replica.drain(client, limit=4)
    assert len(replica.items) == 7
    assert replica.versions() == database_versions(people["manager"])
    # One entry per real estate (its photos and review in the same transaction), scoped to its
    # collector: each seeded collector's own sync from there on sees exactly theirs.
    entries = list(RealEstateChange.objects.values_list("real_estate_id", "collected_by_id"))
    assert len(entries) == len({real_estate for real_estate, _ in entries}) == 7
    assert set(entries) == set(RealEstate.objects.values_list("pk", "collected_by_id"))


def test_changes_made_during_a_first_sync_reach_it_once_the_table_is_read(people: dict[str, User]) -> None:
    ana, manager = people["ana"], people["manager"]
    # The table is read newest first.
    rows = sorted((create(ana) for _ in range(4)), key=lambda r: (r.created_at, r.pk), reverse=True)
    client = bearer_client(manager)
    replica = Replica()
    first = replica.pull(client, limit=2)
    assert [r["id"] for r in first["results"]] == [str(rows[0].pk), str(rows[1].pk)]
    services.real_estate_update(real_estate=rows[0], actor=ana, fields={"bedrooms": 7})  # already read
    services.real_estate_delete(real_estate=rows[3], actor=manager)  # not read yet
    added = create(ana)
    replica.drain(client, limit=2)
    assert replica.versions() == database_versions(manager)
    assert replica.items[str(rows[0].pk)]["bedrooms"] == 7
    assert str(rows[3].pk) not in replica.items
    assert str(added.pk) in replica.items


def test_a_page_costs_the_same_queries_whatever_its_size(
    people: dict[str, User], django_assert_num_queries: Any
) -> None:
    ana = people["ana"]
    client = bearer_client(ana)
    small, large = Replica(), Replica()
    small.drain(client)
    large.drain(client)
    create(ana)
    client.get(SYNC_URL, {"cursor": small.cursor})  # the user is now cached, as in steady use
    with django_assert_num_queries(3) as small_page:  # log entries, current rows, purge mark
        small.pull(client)
    for _ in range(30):
        create(ana)
    with django_assert_num_queries(len(small_page.captured_queries)):
        large.pull(client)
    assert len(large.items) == 31


def test_an_empty_limit_is_a_400_naming_it(admin_client: APIClient) -> None:
    response = admin_client.get("/api/v1/sync/real-estates", {"limit": ""})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["limit"][0]["code"] == "parameter_empty"


def test_a_rename_comes_as_a_change_with_the_version_the_client_holds(people: dict[str, User]) -> None:
    """`version` is the ETag: a collector's rename (like a cover's thumbnail appearing) changes the
    item without bumping it, so a client applies every result instead of skipping a held version."""
    ana, manager = people["ana"], people["manager"]
    owned = create(ana)
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)
    held = replica.items[str(owned.pk)]["version"]
    user_services.user_update_profile(user=ana, name="Ana Renomeada Souza")
    (item,) = replica.pull(client)["results"]
    assert (item["id"], item["version"]) == (str(owned.pk), held)
    assert item["collected_by"]["name"] == "Ana Renomeada Souza"
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    described = schema["components"]["schemas"]["SyncRealEstate"]["properties"]["version"]["description"]
    assert "apply every result" in described


@pytest.mark.parametrize("path", ["instance", "queryset"])
def test_a_user_deleted_around_the_service_leaves_the_log_too_and_reaches_a_managers_sync(
    people: dict[str, User], path: str
) -> None:
    """A shell's `user.delete()` or `User.objects.filter(...).delete()` (the paths the audit's
    `pre_delete` receiver erases the trail for): the real estates the user collected lose their
    collector, a change a manager's sync gets once each, and the user's id leaves the log, as
    through `user_delete`."""
    ana, manager = people["ana"], people["manager"]
    owned = [create(ana) for _ in range(2)]
    client = bearer_client(manager)
    replica = Replica()
    replica.drain(client)

    ana_id = ana.pk  # `Model.delete()` empties the instance's
    if path == "instance":
        ana.delete()
    else:
        User.objects.filter(pk=ana_id).delete()

    assert not RealEstateChange.objects.filter(collected_by_id=ana_id).exists()
    body = replica.pull(client)
    assert sorted(r["id"] for r in body["results"]) == sorted(str(r.pk) for r in owned)
    assert {r["collected_by"] is None for r in body["results"]} == {True}
