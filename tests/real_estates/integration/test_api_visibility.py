"""Who sees what: a collector only its own (anything else is a 404); managers and admins all."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate, Status
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/real-estates"

# (method, suffix, body) of every endpoint on one real estate
OBJECT_ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("get", "", None),
    ("patch", "", {"title": "Tomado"}),
    ("delete", "", None),
    ("get", "/history", None),
    ("post", "/submit", None),
    ("post", "/approve", None),
    ("post", "/reject", {"reason": "x"}),
    ("post", "/archive", None),
]


@pytest.fixture
def others_real_estate(db: None) -> RealEstate:
    return RealEstateFactory(status=Status.DRAFT, photos=1)


@pytest.mark.parametrize(("method", "suffix", "body"), OBJECT_ENDPOINTS)
def test_collector_never_reaches_another_collectors_real_estate(
    collector_client: APIClient, others_real_estate: RealEstate, method: str, suffix: str, body: Any
) -> None:
    response = getattr(collector_client, method)(
        f"{URL}/{others_real_estate.pk}{suffix}", body, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "REAL_ESTATE_NOT_FOUND"
    unchanged = RealEstate.objects.get(pk=others_real_estate.pk)
    assert (unchanged.title, unchanged.status, unchanged.version) == (
        others_real_estate.title,
        Status.DRAFT,
        others_real_estate.version,
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_managers_and_admins_read_every_real_estate(
    client_for: Any, others_real_estate: RealEstate, role: str
) -> None:
    client = client_for(UserFactory(role=role))
    assert client.get(f"{URL}/{others_real_estate.pk}").status_code == 200
    assert client.get(f"{URL}/{others_real_estate.pk}/history").status_code == 200
    assert client.get(URL).json()["count"] == 1


@pytest.mark.parametrize(
    ("role", "visible"),
    [(Role.COLLECTOR, {"own"}), (Role.MANAGER, {"own", "other"}), (Role.ADMIN, {"own", "other"})],
)
def test_the_list_is_scoped_by_role(client_for: Any, role: str, visible: set[str]) -> None:
    user: User = UserFactory(role=role)
    own = RealEstateFactory(collected_by=user)
    other = RealEstateFactory()
    ids = {item["id"] for item in client_for(user).get(URL, {"page_size": 100}).json()["results"]}
    expected = {str(own.pk)} if visible == {"own"} else {str(own.pk), str(other.pk)}
    assert ids == expected


def test_a_collector_filtering_by_another_collector_gets_nothing(
    collector_client: APIClient, others_real_estate: RealEstate
) -> None:
    response = collector_client.get(URL, {"collected_by": str(others_real_estate.collected_by_id)})
    assert response.json()["count"] == 0


def test_a_deactivated_user_sees_nothing(db: None) -> None:
    from apps.real_estates.models import RealEstate as Model

    user = UserFactory(role=Role.MANAGER, is_active=False)
    RealEstateFactory()
    assert not Model.objects.visible_to(user).exists()


@pytest.mark.parametrize("path", ["/stats?group_by=city", "/export"])
def test_collectors_cannot_use_the_reports(collector_client: APIClient, path: str) -> None:
    response = collector_client.get(f"{URL}{path}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
