"""The audit trail's list reads what its page shows: at two million events, the per-option
counts ("show counts") and the distinct actions each read the whole table (docs/adr/0116)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

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
