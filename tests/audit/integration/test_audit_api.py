"""`GET /api/v1/audit-events`: admins only, filters, page-number pagination, read-only."""

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.users.models import User
from tests.audit.factories import AuditEventFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit-events"
EVENT_KEYS = {"id", "actor", "action", "target_type", "target_id", "changes", "request_id", "created_at"}


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_an_event_has_the_documented_shape(admin_client: APIClient) -> None:
    actor = UserFactory(name="Fulana de Tal")
    event = AuditEventFactory(
        actor=actor,
        action="real_estate.approve",
        target_id="abc",
        changes={"status": ["submitted", "approved"]},
        request_id="req-0123456789",
        created_at=at(2),
    )
    response = admin_client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [
        {
            "id": event.pk,
            "actor": {"id": str(actor.pk), "name": "Fulana de Tal"},
            "action": "real_estate.approve",
            "target_type": "real_estate",
            "target_id": "abc",
            "changes": {"status": ["submitted", "approved"]},
            "request_id": "req-0123456789",
            "created_at": "2026-03-02T12:00:00Z",
        }
    ]


def test_an_event_of_a_command_has_no_actor(admin_client: APIClient) -> None:
    AuditEventFactory(actor=None, request_id=None)
    (result,) = admin_client.get(URL).json()["results"]
    assert (result["actor"], result["request_id"]) == (None, None)


def test_each_filter_narrows_the_list(admin_client: APIClient) -> None:
    someone = UserFactory()
    AuditEventFactory(
        actor=someone, action="photo.add", target_type="photo", target_id="p1", created_at=at(1)
    )
    AuditEventFactory(action="real_estate.update", target_id="r1", created_at=at(2))
    AuditEventFactory(action="real_estate.approve", target_id="r1", created_at=at(3))
    AuditEventFactory(action="user.create", target_type="user", target_id="u1", created_at=at(4))

    def actions(**params: str) -> list[str]:
        response = admin_client.get(URL, params)
        assert response.status_code == 200, response.content
        return [e["action"] for e in response.json()["results"]]

    newest_first = ["user.create", "real_estate.approve", "real_estate.update", "photo.add"]
    assert actions() == newest_first
    assert actions(actor=str(someone.pk)) == ["photo.add"]
    assert actions(target_type="real_estate") == ["real_estate.approve", "real_estate.update"]
    one = actions(target_type="real_estate", target_id="r1", action="real_estate.update")
    assert one == ["real_estate.update"]
    assert actions(created_after="2026-03-02", created_before="2026-03-03") == [
        "real_estate.approve",
        "real_estate.update",
    ]  # dates: from the start of one day to the end of the other
    assert actions(created_after="2026-03-02T13:00:00Z", created_before="2026-03-04T12:00:00Z") == [
        "real_estate.approve"
    ]  # datetimes: after inclusive, before exclusive


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"created_before": "9999-12-31"}, 1),
        ({"created_before": "9999-12-31T23:00:00-03:00"}, 1),
        ({"created_after": "0001-01-01T00:00:00+14:00"}, 1),
        ({"created_before": "0001-01-01"}, 0),
    ],
)
def test_the_first_and_last_days_a_date_can_name_are_valid_bounds(
    admin_client: APIClient, params: dict[str, str], found: int
) -> None:
    AuditEventFactory(created_at=at(1))
    response = admin_client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == found


@pytest.mark.parametrize(
    "params",
    [
        {"actor": "not-a-uuid"},
        {"target_type": "building"},
        {"created_after": "yesterday"},
        {"target_id": "x" * 65},
        {"target_id": "x" * 64 + " "},  # 65 as sent: the schema's maxLength counts them so
        {"action": " " + "x" * 64},
        {"actor": ""},
        {"action": ""},
        {"created_before": ""},
    ],
)
def test_invalid_filters_are_a_validation_error(admin_client: APIClient, params: dict[str, str]) -> None:
    response = admin_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert set(response.json()["error"]["fields"]) == set(params)


def test_a_date_is_a_utc_day_and_an_offset_moves_the_bound(admin_client: APIClient) -> None:
    """`2026-03-02` is 00:00 to 24:00 UTC (21:00 the day before to 21:00 in Brasília), to the
    microsecond on both sides; a datetime with an offset is that moment; a naive one is UTC."""
    edges = {
        "day before, last microsecond": datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC),
        "first moment": datetime(2026, 3, 2, tzinfo=UTC),
        "Brasília's midnight": datetime(2026, 3, 2, 3, tzinfo=UTC),
        "last microsecond": datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=UTC),
        "day after": datetime(2026, 3, 3, tzinfo=UTC),
    }
    ids = {AuditEventFactory(created_at=moment).pk: name for name, moment in edges.items()}

    def found(**params: str) -> set[str]:
        response = admin_client.get(URL, params)
        assert response.status_code == 200, response.content
        return {ids[event["id"]] for event in response.json()["results"]}

    day = {"first moment", "Brasília's midnight", "last microsecond"}
    assert found(created_after="2026-03-02", created_before="2026-03-02") == day
    assert found(created_after="2026-03-02T00:00:00-03:00") == {
        "Brasília's midnight",
        "last microsecond",
        "day after",
    }
    assert found(created_before="2026-03-02T00:00:00-03:00") == {
        "day before, last microsecond",
        "first moment",
    }
    assert found(created_before="2026-03-02T03:00:00") == found(created_before="2026-03-02T03:00:00Z")


@pytest.mark.parametrize(
    "value",
    [
        "20260302",  # ISO 8601's basic form: not the schema's `date`
        "2026W101",  # a week date
        "2026-03-02T1200Z",  # a basic-form time
        "20260302T120000Z",
        "1" * 40,  # digits alone, read as 1111-11-11T11:11:11.111111
    ],
)
@pytest.mark.parametrize("name", ["created_after", "created_before"])
def test_a_date_filter_takes_only_the_forms_its_schema_declares(
    admin_client: APIClient, name: str, value: str
) -> None:
    """The schema declares `format: date` or `date-time` (RFC 3339: `2026-03-02`,
    `2026-03-02T12:00:00Z`); a value outside both is a 400 naming the filter, not some moment
    Python's `fromisoformat` reads it as."""
    AuditEventFactory(created_at=at(2))
    response = admin_client.get(URL, {name: value})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"][name][0]["code"] == "invalid_datetime"


@pytest.mark.parametrize(
    "value",
    [
        "{12345678-1234-5678-1234-567812345678}",
        "urn:uuid:12345678-1234-5678-1234-567812345678",
        "12345678123456781234567812345678",  # no hyphens
    ],
)
def test_the_actor_filter_takes_only_a_uuid_as_its_schema_declares(
    admin_client: APIClient, value: str
) -> None:
    """`actor` is declared `format: uuid` (8-4-4-4-12 hex digits); Python's `UUID` also reads
    braces, a URN and bare hex, which the schema refuses: a 400 naming it, as for any other text."""
    response = admin_client.get(URL, {"actor": value})
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]["actor"][0]["code"] == "invalid"


def test_the_list_is_paginated_by_page_number(admin_client: APIClient) -> None:
    AuditEventFactory.create_batch(5)
    first = admin_client.get(URL, {"page_size": 2}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (5, 2, None)
    third = admin_client.get(first["next"].replace("http://testserver", "")).json()
    third = admin_client.get(third["next"].replace("http://testserver", "")).json()
    assert (len(third["results"]), third["next"]) == (1, None)
    assert admin_client.get(URL, {"page": 9}).status_code == 404
    seen = {e["id"] for e in first["results"]} | {e["id"] for e in third["results"]}
    assert len(seen) == 3


def test_the_list_runs_a_fixed_number_of_queries(
    admin_client: APIClient, django_assert_max_num_queries: object
) -> None:
    for _ in range(10):
        AuditEventFactory(actor=UserFactory())
    with django_assert_max_num_queries(4):  # type: ignore[operator]  # user, count, page (+ slack)
        assert len(admin_client.get(URL).json()["results"]) == 10


@pytest.mark.parametrize("role", ["collector", "manager"])
def test_only_admins_read_the_trail(role: str, request: pytest.FixtureRequest) -> None:
    client: APIClient = request.getfixturevalue(f"{role}_client")
    AuditEventFactory()
    response = client.get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_cannot_write_edit_or_delete_events(admin_client: APIClient, method: str) -> None:
    event = AuditEventFactory(changes={"title": ["a", "b"]})
    assert getattr(admin_client, method)(URL, {"changes": {}}).status_code == 405
    assert getattr(admin_client, method)(f"{URL}/{event.pk}", {"changes": {}}).status_code == 404
    event.refresh_from_db()
    assert event.changes == {"title": ["a", "b"]}
    assert AuditEvent.objects.count() == 1


def test_the_schema_documents_the_endpoint(admin_client: APIClient, admin_user: User) -> None:
    schema = admin_client.get("/api/v1/schema", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/audit-events"]["get"]
    assert set(schema["paths"]["/api/v1/audit-events"]) == {"get"}
    params = {p["name"] for p in operation["parameters"]}
    filters = {"actor", "target_type", "target_id", "action", "created_after", "created_before"}
    assert filters | {"page", "page_size"} <= params


def test_the_schema_declares_each_filters_domain(admin_client: APIClient) -> None:
    """Schema-driven clients and fuzzers (Schemathesis, tests/contract/test_boundary_values.py)
    draw values from these: a plain `string` never sent a date boundary to the trail."""
    schema = admin_client.get("/api/v1/schema", {"format": "json"}).json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/audit-events"]["get"]["parameters"]}
    date_or_datetime = {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
    }
    assert params["created_after"]["schema"] == params["created_before"]["schema"] == date_or_datetime
    assert "inclusive" in params["created_after"]["description"]
    key = {"type": "string", "maxLength": 64, "pattern": r"\S"}  # not blank
    assert params["target_id"]["schema"] == params["action"]["schema"] == key
