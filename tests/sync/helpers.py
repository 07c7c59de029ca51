"""Helpers of the sync tests: writes through the services and a client that applies pages."""

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from apps.core import errors
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


def write_at_random(
    rng: random.Random,
    mine: list[RealEstate],
    *,
    collector: User,
    editor: User,
    deleter: User,
    tag: str,
    create_below: float = 0.35,
) -> None:
    """One transaction of a random writer over `mine` (its real estates, kept up to date): a create
    by `collector` (always when `mine` is empty), an edit by `editor` or a deletion by `deleter`,
    and now and then a second edit in the same transaction (their changes share one transaction
    id). An edit of one deleted meanwhile drops it from `mine`."""
    choice = rng.random()
    with transaction.atomic():
        if not mine or choice < create_below:
            mine.append(create(collector, bedrooms=rng.randint(0, 5)))
        elif choice < 0.85:
            target = rng.choice(mine)
            try:
                mine[mine.index(target)] = services.real_estate_update(
                    real_estate=target, actor=editor, fields={"bedrooms": rng.randint(0, 9)}
                )
            except errors.RealEstateNotFound:
                mine.remove(target)
        else:
            services.real_estate_delete(real_estate=mine.pop(rng.randrange(len(mine))), actor=deleter)
        if choice > 0.9 and mine:
            services.real_estate_update(real_estate=mine[-1], actor=editor, fields={"title": tag})


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
