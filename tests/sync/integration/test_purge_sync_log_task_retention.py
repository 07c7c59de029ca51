"""`purge_sync_log(retention_days=...)` by hand keeps the bound `SYNC_RETENTION_DAYS` keeps: at
least a day (docs/adr/0106)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.sync.models import PurgeMark, RealEstateChange
from apps.sync.tasks import purge_sync_log
from apps.users.models import Role
from tests.sync.helpers import create
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [0, 0.5])
def test_a_retention_under_a_day_by_hand_is_refused_and_the_log_stays(days: float) -> None:
    # SYNC_RETENTION_DAYS refuses anything under a day (a cursor's lifetime too); the task by hand
    # took 0, purged the whole log and raised the mark past every client's cursor: all 410.
    create(UserFactory(role=Role.COLLECTOR))
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(hours=13))

    with pytest.raises(ValueError, match="retention_days must be at least 1"):
        purge_sync_log(retention_days=days)

    assert RealEstateChange.objects.count() == 1
    assert not PurgeMark.objects.exclude(change_id=0).exists()


def test_a_retention_of_a_day_by_hand_purges_what_is_older() -> None:
    create(UserFactory(role=Role.COLLECTOR))
    RealEstateChange.objects.update(created_at=timezone.now() - timedelta(days=2))

    assert purge_sync_log(retention_days=1) == {"deleted": 1}
