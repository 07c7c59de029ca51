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


def test_a_transaction_records_each_real_estate_it_changed_once_with_its_id_and_collector() -> None:
    """Two entries of one transaction for one real estate let a page end between them and hand the
    change out twice (docs/adr/0114): its later writes find it recorded."""
    first, second = RealEstateFactory(), RealEstateFactory()
    recorded = RealEstateChange.objects.count()  # their creations
    with transaction.atomic():
        sync_record_change(real_estate=first)
        assert sync_record_changes(real_estate_ids=[first.pk, second.pk]) == 2
        sync_record_change(real_estate=first, deleted=True)
    changes = list(RealEstateChange.objects.in_log_order()[recorded:])
    assert [(c.real_estate_id, c.collected_by_id) for c in changes] == [
        (first.pk, first.collected_by_id),
        (second.pk, second.collected_by_id),
    ]
    assert changes[0].xid == changes[1].xid > 0  # one transaction, one id (PostgreSQL)
