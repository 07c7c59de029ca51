"""The recording services: only inside the writer's transaction."""

import pytest
from django.db import transaction

from apps.sync.models import RealEstateChange
from apps.sync.services import sync_record_change, sync_record_changes
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_recording_outside_a_transaction_is_a_programming_error() -> None:
    real_estate = RealEstateFactory()
    recorded = RealEstateChange.objects.count()  # its creation
    with pytest.raises(RuntimeError, match="inside the writing transaction"):
        sync_record_change(real_estate=real_estate)
    assert RealEstateChange.objects.count() == recorded


def test_a_bulk_record_of_nothing_writes_nothing() -> None:
    with transaction.atomic():
        assert sync_record_changes(real_estate_ids=[]) == 0
    assert not RealEstateChange.objects.exists()


def test_a_change_carries_its_transactions_id_and_collector() -> None:
    real_estate = RealEstateFactory()
    recorded = RealEstateChange.objects.count()  # its creation
    with transaction.atomic():
        sync_record_change(real_estate=real_estate)
        sync_record_changes(real_estate_ids=[real_estate.pk])
    first, second = RealEstateChange.objects.in_log_order()[recorded:]
    assert first.xid == second.xid > 0  # one transaction, one id (PostgreSQL)
    assert (first.collected_by_id, second.collected_by_id) == (real_estate.collected_by_id,) * 2
    assert first.id < second.id
