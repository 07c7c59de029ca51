"""The audit trail's list reads what its page shows: at two million events, the per-option
counts ("show counts") and the distinct actions each read the whole table (docs/adr/0116)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditAction
from apps.users.models import User
from tests.audit.factories import AuditEventFactory

pytestmark = pytest.mark.django_db

EVENTS = "/admin/audit/auditevent/"


@pytest.fixture
def staff(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def _statements(client: Client, params: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(EVENTS, params)
    assert page.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_audit_list_counts_no_options_even_when_asked(staff: Client) -> None:
    AuditEventFactory(action="photo.add", target_type="photo")

    statements = _statements(staff, {"_facets": "1"})

    assert [sql for sql in statements if "FILTER (WHERE" in sql] == []


def test_the_action_filter_lists_no_distinct_actions(staff: Client) -> None:
    AuditEventFactory(action="photo.add", target_type="photo")

    for params in ({}, {"action": "photo.add"}, {"target_type__exact": "photo"}):
        statements = _statements(staff, params)

        assert [
            sql for sql in statements if sql.startswith('SELECT DISTINCT "audit_auditevent"."action"')
        ] == []


def test_the_action_filter_offers_every_action_and_filters_on_it(staff: Client) -> None:
    """Offered before any event of that action exists: read from the actions, not from the table."""
    added = AuditEventFactory(action="photo.add", target_type="photo")
    AuditEventFactory(action="real_estate.update")

    page = staff.get(EVENTS, {"action": "photo.add"})

    assert [event.pk for event in page.context["cl"].result_list] == [added.pk]
    html = page.content.decode()
    for action in AuditAction.values:
        assert f"action={action}" in html


def test_the_action_filter_offers_the_chosen_target_types_actions(staff: Client) -> None:
    html = staff.get(EVENTS, {"target_type__exact": "photo"}).content.decode()

    assert "action=photo.reorder" in html
    assert "action=real_estate.approve" not in html


def test_an_action_not_offered_still_filters_and_shows_as_chosen(staff: Client) -> None:
    """An address with an action the list does not offer (a bookmark, an older event) filters on
    it and the filter says so."""
    odd = AuditEventFactory(action="real_estate.import", target_type="real_estate")
    AuditEventFactory(action="real_estate.update")

    page = staff.get(EVENTS, {"action": "real_estate.import"})

    assert [event.pk for event in page.context["cl"].result_list] == [odd.pk]
    action_filter = next(f for f in page.context["cl"].filter_specs if f.expected_parameters() == ["action"])
    chosen = [c["display"] for c in action_filter.choices(page.context["cl"]) if c["selected"]]
    assert chosen == ["real_estate.import"]
