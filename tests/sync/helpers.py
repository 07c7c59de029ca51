"""Helpers of the sync tests: writes through the services and a client that applies pages."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from apps.real_estates import services
from apps.real_estates.models import RealEstate
from apps.users.models import User

SYNC_URL = reverse("sync-real-estates")


def fields(**overrides: Any) -> dict[str, Any]:
    """Valid fields for `real_estate_create`."""
    return {
        "title": "Casa na Vila Madalena",
        "description": "Três quartos, quintal.",
        "kind": "house",
        "purpose": "sale",
        "price": Decimal("850000.00"),
        "area_m2": Decimal("140.00"),
        "bedrooms": 3,
        "bathrooms": 2,
        "parking_spaces": 1,
        "zip_code": "05433000",
        "street": "Rua Harmonia",
        "number": "100",
        "complement": "",
        "neighborhood": "Vila Madalena",
        "city": "São Paulo",
        "state": "SP",
        **overrides,
    }


def create(actor: User, **overrides: Any) -> RealEstate:
    return services.real_estate_create(actor=actor, fields=fields(**overrides))


@dataclass
class Replica:
    """What an offline client holds: id → the last item received, and its cursor."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    pages: int = 0

    def apply(self, body: dict[str, Any]) -> None:
        for result in body["results"]:
            if result.get("deleted"):
                assert set(result) == {"id", "deleted"}
                self.items.pop(result["id"], None)
            else:
                self.items[result["id"]] = result
        self.cursor = body["next_cursor"]
        self.pages += 1

    def pull(self, client: APIClient, *, limit: int | None = None) -> dict[str, Any]:
        """One page, applied; answers the body."""
        params: dict[str, Any] = {}
        if self.cursor is not None:
            params["cursor"] = self.cursor
        if limit is not None:
            params["limit"] = limit
        response = client.get(SYNC_URL, params)
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        self.apply(body)
        return body

    def drain(self, client: APIClient, *, limit: int | None = None, max_pages: int = 10_000) -> None:
        """Pages until `has_more` is false."""
        for _ in range(max_pages):
            if not self.pull(client, limit=limit)["has_more"]:
                return
        raise AssertionError("the sync never ended")

    def versions(self) -> dict[str, int]:
        return {pk: item["version"] for pk, item in self.items.items()}


def database_versions(user: User) -> dict[str, int]:
    return {
        str(pk): version for pk, version in RealEstate.objects.visible_to(user).values_list("pk", "version")
    }
