"""The Django admin's bulk delete (one transaction) against a collector's erasure or rename, which
lock all of the collector's real estates: every one of them locks several real estates in
primary-key order, after the acting user's row (ADR 0015), so they wait for each other instead
of deadlocking, whatever order the admin's list shows them in (PostgreSQL row locks, two
connections)."""

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate
from apps.users import services as user_services
from apps.users.models import Role, User
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background, run_at_once, wait_for_a_lock_wait
from tests.users.factories import UserFactory

CHANGELIST = "/admin/real_estates/realestate/"
BY_TITLE = "?o=2"  # the changelist sorted on its second column, the title


def _staff_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bulk_delete(client: Client, *real_estates: RealEstate) -> Any:
    return client.post(
        CHANGELIST + BY_TITLE,
        {"action": "delete_selected", "_selected_action": [str(r.pk) for r in real_estates], "post": "yes"},
        follow=True,
    )


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _two_listed_against_key_order(collector: User) -> tuple[RealEstate, RealEstate]:
    """Two real estates of `collector`, (lower key, higher key), titled so that the list sorted
    by title shows the higher key first."""
    low, high = sorted((RealEstateFactory(collected_by=collector) for _ in range(2)), key=lambda r: r.pk)
    for real_estate, title in ((high, "A casa da frente"), (low, "B casa dos fundos")):
        real_estate_services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": title}
        )
    return low, high


@pytest.mark.django_db(transaction=True)
def test_a_bulk_delete_and_a_collector_taking_their_real_estates_in_key_order_deadlock_neither() -> None:
    """The collector's transaction holds the lower key (an edit) and then takes all of their real
    estates (a rename: the erasure's order, in one statement); the bulk delete, listed higher key
    first, waits for the lower one holding no real estate, instead of holding the higher one (a
    deadlock, one side failing with 503)."""
    collector, admin = UserFactory(), UserFactory(role=Role.ADMIN)
    low, high = _two_listed_against_key_order(collector)
    client = _staff_client(admin)

    with transaction.atomic():
        real_estate_services.real_estate_update(
            real_estate=low, actor=collector, fields={"title": "B casa nova"}
        )
        deleter, outcome = in_background(lambda: _bulk_delete(client, high, low))
        wait_for_a_lock_wait()
        user_services.user_update_profile(user=collector, name="Nome Novo do Coletor")
    deleter.join(timeout=30)
    assert not deleter.is_alive()

    response = outcome[0]
    assert not isinstance(response, Exception), response
    assert response.status_code == 200, response.content
    assert not [m for m in _messages(response) if "Nothing was deleted" in m]
    assert not RealEstate.objects.filter(pk__in=[low.pk, high.pk]).exists()


def _race_once(*, by_self: bool) -> None:
    collector, admin, eraser = UserFactory(), UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    low, high = _two_listed_against_key_order(collector)
    client = _staff_client(admin)

    outcomes = run_at_once(
        lambda: _bulk_delete(client, high, low),
        lambda: user_services.user_delete(user=collector, actor=collector if by_self else eraser),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert outcomes[0].status_code == 200, outcomes[0].content
    assert not [m for m in _messages(outcomes[0]) if "Nothing was deleted" in m]
    assert not RealEstate.objects.filter(pk__in=[low.pk, high.pk]).exists()
    assert not User.objects.filter(pk=collector.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("by_self", [True, False], ids=["self-erasure", "erased by an admin"])
def test_a_bulk_delete_racing_the_collectors_erasure_deadlocks_neither(by_self: bool) -> None:
    """Both at once, a few times: each waits for the other (at the admins' rows, and at the real
    estates, taken in the same order) and both succeed (the erasure first: the bulk delete then
    deletes real estates that no longer name a collector)."""
    for _ in range(5):
        _race_once(by_self=by_self)
