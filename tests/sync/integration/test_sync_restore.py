"""After a database restore: the cursors clients hold were issued by a database that no longer
exists (changes after the dump are gone, or the cluster counts transactions from the start
again). None of them may go on silently; `manage.py expire_sync_cursors` (docs/operations.md)
makes them 410 and every client syncs again from the beginning."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from apps.real_estates.models import RealEstate
from apps.sync import cursor as cursors
from apps.sync.models import RealEstateChange
from apps.users.models import Role, User
from tests.conftest import bearer_client
from tests.sync.helpers import SYNC_URL, Replica, create
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana() -> User:
    return UserFactory(role=Role.COLLECTOR)


def test_a_cursor_beyond_where_the_log_stands_is_gone(ana: User) -> None:
    """Restored into a new cluster, PostgreSQL numbers transactions from the start again: a
    cursor of the old one stands beyond every change to come, and would skip them all."""
    client = bearer_client(ana)
    replica = Replica()
    replica.drain(client)
    held = cursors.decode(replica.cursor or "", user=ana, max_age=timedelta(days=1))
    xid, change_id = held.position
    from_before = cursors.encode(
        cursors.Cursor(
            user_id=ana.pk, scope=held.scope, position=cursors.Position(xid + 10**9, change_id + 10**9)
        )
    )
    create(ana)

    response = client.get(SYNC_URL, {"cursor": from_before})

    assert response.status_code == 410, response.content
    assert response.json()["error"]["code"] == "SYNC_CURSOR_EXPIRED"


def test_after_a_restore_every_cursor_held_is_gone_and_a_fresh_sync_matches_the_database(ana: User) -> None:
    client = bearer_client(ana)
    kept = create(ana)
    replica = Replica()
    replica.drain(client)
    lost = create(ana)
    replica.drain(client)  # the client holds `lost`...
    # ...which the dump, taken before it, does not have: the restore brings the rows back as dumped.
    RealEstate.objects.filter(pk=lost.pk).delete()
    RealEstateChange.objects.filter(real_estate_id=lost.pk).delete()

    out = StringIO()
    call_command("expire_sync_cursors", stdout=out)

    assert "Every sync cursor issued before now is expired" in out.getvalue()
    response = client.get(SYNC_URL, {"cursor": replica.cursor})
    assert response.status_code == 410, response.content
    fresh = Replica()
    fresh.drain(client)
    assert set(fresh.items) == {str(kept.pk)}
    added = create(ana)
    assert [r["id"] for r in fresh.pull(client)["results"]] == [str(added.pk)]
