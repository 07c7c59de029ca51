"""A user erasing their account while they edit their real estates or profile elsewhere: both
take their locks in one order (ADR 0015: the user row against other user writes, the real
estates, then the user row against references), so neither deadlocks (PostgreSQL row locks, two
connections)."""

import time

import pytest
from django.db import connection, transaction

from apps.real_estates import services as real_estate_services
from apps.real_estates.models import RealEstate
from apps.users import services
from apps.users.models import User
from tests.conftest import bearer_client
from tests.real_estates.factories import RealEstateFactory
from tests.threads import in_background
from tests.users.factories import UserFactory


def wait_for_a_lock_wait() -> None:
    """Until another session of this database waits for a row lock."""
    waiting = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with connection.cursor() as cursor:
        for _ in range(500):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(waiting)
            row = cursor.fetchone()
            if row and row[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the erasure never waited for the edit's lock")


@pytest.mark.django_db(transaction=True)
def test_erasing_oneself_while_editing_ones_real_estate_deadlocks_neither() -> None:
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector)
    client = bearer_client(collector)
    with transaction.atomic():
        # The edit's first step: its real estate's row lock. The erasure then starts and waits
        # for that row; the edit goes on and references its collector (its audit event), which
        # must not wait for the erasure in turn.
        RealEstate.objects.select_for_update().get(pk=real_estate.pk)
        eraser, outcome = in_background(lambda: client.delete("/api/v1/users/me"))
        wait_for_a_lock_wait()
        real_estate_services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": "Casa reformada no centro"}
        )
    eraser.join(timeout=30)

    assert outcome[0].status_code == 200, outcome[0].content
    assert not User.objects.filter(pk=collector.pk).exists()
    real_estate.refresh_from_db()
    assert (real_estate.title, real_estate.collected_by_id, real_estate.collected_by_name) == (
        "Casa reformada no centro",
        None,
        "",
    )


@pytest.mark.django_db(transaction=True)
def test_a_profile_edit_racing_the_erasure_deadlocks_neither() -> None:
    """The profile edit holds the user row and copies the name to the real estates; the erasure
    waits for it, then erases the new name too."""
    collector = UserFactory()
    real_estate = RealEstateFactory(collected_by=collector)
    client = bearer_client(collector)
    with transaction.atomic():
        services.user_update_profile(user=collector, name="Nome Novo Antes de Sair")
        eraser, outcome = in_background(lambda: client.delete("/api/v1/users/me"))
        wait_for_a_lock_wait()
    eraser.join(timeout=30)

    assert outcome[0].status_code == 200, outcome[0].content
    real_estate.refresh_from_db()
    assert (real_estate.collected_by_id, real_estate.collected_by_name) == (None, "")
