"""A page's shape and order: items are the list's items, the table is read newest first.

`transaction=True`: on PostgreSQL the sync only hands out changes whose transaction has ended.
"""

from datetime import timedelta

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.media import storage
from apps.real_estates.models import RealEstate
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.contract.openapi_validator import SCHEMA_PATH
from tests.media.samples import image_bytes
from tests.sync.helpers import Replica, create
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana() -> User:
    return UserFactory(role=Role.COLLECTOR)


def _key_of(link: str) -> str:
    return storage.key_from_token(link.removeprefix("/media/"))


def test_a_sync_item_is_the_list_item_with_its_version(ana: User) -> None:
    client = bearer_client(ana)
    with_cover = create(ana, title="Sobrado com quintal")
    upload = client.post(
        reverse("real-estate-photos", kwargs={"real_estate_id": with_cover.pk}),
        {"file": SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    create(ana, title="Terreno plano", kind="land", price="12345.60")  # no photo: no cover
    listed = {item["id"]: item for item in client.get("/api/v1/real-estates").json()["results"]}
    replica = Replica()
    replica.drain(client)
    assert set(replica.items) == set(listed)
    versions = {str(pk): version for pk, version in RealEstate.objects.values_list("pk", "version")}
    for pk, item in replica.items.items():
        expected = {**listed[pk], "version": versions[pk]}
        # Cover links are signed when rendered (a timestamp in the token): compare what they open.
        cover, listed_cover = item.pop("cover"), expected.pop("cover")
        assert list(item) == list(expected)  # same keys, same order
        assert item == expected
        assert (cover is None) == (listed_cover is None)
        if cover is not None:
            assert _key_of(cover) == _key_of(listed_cover)
            opened = client.get(cover)
            assert opened.status_code == 200
            assert opened["Content-Type"] == "image/webp"
    assert replica.items[str(with_cover.pk)]["photo_count"] == 1


def test_a_first_sync_reads_the_table_newest_first_through_equal_creation_times(ana: User) -> None:
    rows = [create(ana) for _ in range(6)]
    # Three of them created in the same microsecond: the read pages by (created_at, id).
    same = rows[1].created_at
    RealEstate.objects.filter(pk__in=[rows[2].pk, rows[3].pk, rows[4].pk]).update(created_at=same)
    RealEstate.objects.filter(pk=rows[5].pk).update(created_at=same - timedelta(days=1))
    expected = [
        str(pk) for pk in RealEstate.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    ]
    client = bearer_client(ana)
    replica = Replica()
    seen: list[str] = []
    while True:
        body = replica.pull(client, limit=1)
        seen += [r["id"] for r in body["results"]]
        if not body["has_more"]:
            break
    assert seen == expected
    assert replica.pages == 6


def test_the_schema_of_a_sync_item_names_the_keys_it_has(ana: User) -> None:
    """docs/api/openapi.yaml describes a sync item with the keys the endpoint sends, no more: the
    list's `distance_km` comes only with `near`, which the sync does not take."""
    schema = yaml.safe_load(SCHEMA_PATH.read_text())
    declared = schema["components"]["schemas"]["SyncRealEstate"]["properties"]
    create(ana)
    replica = Replica()
    replica.drain(bearer_client(ana))
    (item,) = replica.items.values()
    assert list(declared) == list(item)
    parameters = schema["paths"]["/api/v1/sync/real-estates"]["get"]["parameters"]
    assert "near" not in {parameter["name"] for parameter in parameters}
