"""The real-estates API: shapes, edits with If-Match, transitions and their errors, bad input."""

from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core import errors
from apps.real_estates.models import RealEstate, Status
from apps.sync.models import RealEstateChange
from apps.users.models import User
from apps.users.services import user_delete
from tests.real_estates.conftest import MakeRealEstate, history_of
from tests.real_estates.helpers import PAYLOAD, URL, payload, writes_on_record

pytestmark = pytest.mark.django_db

LIST_ITEM_KEYS = {
    "id",
    "title",
    "kind",
    "purpose",
    "status",
    "price",
    "area_m2",
    "bedrooms",
    "city",
    "state",
    "collected_by",
    "photo_count",
    "cover",
    "created_at",
    "updated_at",
}


def code_of(response: Any) -> str:
    return response.json()["error"]["code"]


def field_codes(response: Any, *path: str) -> list[str]:
    node = response.json()["error"]["fields"]
    for key in path:
        node = node[key]
    return [item["code"] for item in node]


# --- create and read ------------------------------------------------------------------------


def test_a_collector_registers_a_draft_and_reads_it_back(
    collector_client: APIClient, collector: User
) -> None:
    response = collector_client.post(URL, PAYLOAD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["price"] == "350000.00"
    assert body["area_m2"] == "120.50"
    assert body["address"] == {
        "zip_code": "04534011",
        "street": "Rua Joaquim Floriano",
        "number": "100",
        "complement": "Casa 2",
        "neighborhood": "Itaim Bibi",
        "city": "São Paulo",
        "state": "SP",
        "latitude": "-23.584600",
        "longitude": "-46.674400",
    }
    assert body["collected_by"] == {"id": str(collector.pk), "name": collector.name}
    assert body["photos"] == []
    assert body["reviewed_by"] is None
    assert body["created_at"].endswith("Z")
    assert response["Location"].endswith(body["id"])

    detail = collector_client.get(f"{URL}/{body['id']}")
    assert detail.status_code == 200
    assert detail.json() == body
    assert detail["ETag"] == f'"{body["id"].replace("-", "")}-1"'


def test_a_list_item_has_exactly_the_spec_fields(
    manager_client: APIClient, make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate()
    body = manager_client.get(URL).json()
    assert body["count"] == 1
    assert body["next"] is None
    assert body["previous"] is None
    item = body["results"][0]
    assert set(item) == LIST_ITEM_KEYS
    assert item["id"] == str(real_estate.pk)
    assert item["collected_by"] == {"id": str(collector.pk), "name": collector.name}
    assert item["cover"] is None
    assert item["price"] == f"{real_estate.price:.2f}"


def test_a_real_estate_whose_collector_was_deleted_shows_no_collector(
    manager_client: APIClient, make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate()
    collector.delete()
    assert manager_client.get(URL).json()["results"][0]["collected_by"] is None
    assert manager_client.get(f"{URL}/{real_estate.pk}").json()["collected_by"] is None


def test_the_list_is_newest_first_and_pages_hold_at_most_100(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    first, second = make_real_estate(), make_real_estate()
    ids = [item["id"] for item in manager_client.get(URL).json()["results"]]
    assert ids == [str(second.pk), str(first.pk)]
    assert manager_client.get(URL, {"page_size": 100}).status_code == 200
    response = manager_client.get(URL, {"page_size": 101})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["page_size"][0]["code"] == "page_size_invalid"
    page = manager_client.get(URL, {"page_size": 1})
    assert page.json()["count"] == 2
    assert page.json()["next"] is not None


@pytest.mark.parametrize(
    ("changes", "path", "code"),
    [
        ({"address": {"zip_code": "1234-567"}}, ("address", "zip_code"), errors.CEP_INVALID.code),
        ({"address": {"zip_code": "abcdefgh"}}, ("address", "zip_code"), errors.CEP_INVALID.code),
        ({"address": {"state": "XX"}}, ("address", "state"), errors.UF_INVALID.code),
        ({"address": {"latitude": 91}}, ("address", "latitude"), "max_value"),
        ({"address": {"longitude": -181}}, ("address", "longitude"), "min_value"),
        ({"address": {"latitude": "north"}}, ("address", "latitude"), "invalid"),
        # Python's float() reads a JSON boolean as 1 or 0; the schema says a number.
        ({"address": {"latitude": True}}, ("address", "latitude"), "invalid"),
        ({"address": {"longitude": False}}, ("address", "longitude"), "invalid"),
        # A coordinate is a JSON number or the decimal string the output writes, in plain ASCII
        # notation (docs/adr/0022): Python's float() also reads an Arabic-Indic three, `1_0`,
        # `1e1` and spaces.
        ({"address": {"latitude": "\u0663"}}, ("address", "latitude"), "invalid"),
        ({"address": {"latitude": "1_0"}}, ("address", "latitude"), "invalid"),
        ({"address": {"longitude": "-4.6e1"}}, ("address", "longitude"), "invalid"),
        ({"address": {"longitude": " -46.6"}}, ("address", "longitude"), "invalid"),
        ({"address": {"latitude": "-91.000000"}}, ("address", "latitude"), "min_value"),
        ({"price": "-1.00"}, ("price",), "min_value"),
        ({"price": "abc"}, ("price",), "invalid"),
        ({"area_m2": "0"}, ("area_m2",), "min_value"),
        ({"bedrooms": -1}, ("bedrooms",), "min_value"),
        ({"kind": "castle"}, ("kind",), "invalid_choice"),
        ({"purpose": "swap"}, ("purpose",), "invalid_choice"),
        ({"title": ""}, ("title",), "blank"),
        ({"status": "approved"}, ("status",), errors.FIELD_NOT_ALLOWED.code),
        ({"address": {"country": "BR"}}, ("address.country",), errors.FIELD_NOT_ALLOWED.code),
    ],
)
def test_invalid_fields_are_a_400_naming_each_field_and_create_nothing(
    collector_client: APIClient, changes: dict[str, Any], path: tuple[str, ...], code: str
) -> None:
    response = collector_client.post(URL, payload(**changes), format="json")
    assert response.status_code == 400
    assert code_of(response) == "VALIDATION_ERROR"
    assert field_codes(response, *path) == [code]
    assert not RealEstate.objects.exists()


def test_missing_required_fields_are_reported(collector_client: APIClient) -> None:
    response = collector_client.post(URL, {"address": {}}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"title", "kind", "purpose", "price", "area_m2"} <= set(fields)
    assert {"zip_code", "street", "city", "state"} <= set(fields["address"])


def test_anonymous_requests_are_401(api_client: APIClient) -> None:
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, PAYLOAD, format="json").status_code == 401


@pytest.mark.parametrize("pk", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_id_is_real_estate_not_found(manager_client: APIClient, pk: str) -> None:
    response = manager_client.get(f"{URL}/{pk}")
    assert response.status_code == 404
    assert code_of(response) == "REAL_ESTATE_NOT_FOUND"


# --- edits, ETag and If-Match ----------------------------------------------------------------


def test_a_patch_with_the_current_etag_applies_and_changes_the_etag(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    etag = collector_client.get(f"{URL}/{real_estate.pk}")["ETag"]
    response = collector_client.patch(
        f"{URL}/{real_estate.pk}",
        {"title": "Casa reformada", "address": {"city": "Campinas", "state": "SP"}},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Casa reformada"
    assert body["address"]["city"] == "Campinas"
    assert body["address"]["street"] == real_estate.street
    assert body["version"] == 2
    assert response["ETag"] != etag


def test_a_patch_with_a_stale_etag_is_412_and_changes_nothing(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    stale = collector_client.get(f"{URL}/{real_estate.pk}")["ETag"]
    collector_client.patch(
        f"{URL}/{real_estate.pk}", {"title": "Primeira"}, format="json", HTTP_IF_MATCH=stale
    )
    response = collector_client.patch(
        f"{URL}/{real_estate.pk}", {"title": "Segunda"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert code_of(response) == "PRECONDITION_FAILED"
    assert RealEstate.objects.get(pk=real_estate.pk).title == "Primeira"


@pytest.mark.parametrize(
    "if_match", ['"garbage"', "garbage", 'W/"00000000000000000000000000000000-1"', '"a", "b"', ", ,"]
)
def test_an_etag_of_something_else_is_412(
    collector_client: APIClient, make_real_estate: MakeRealEstate, if_match: str
) -> None:
    real_estate = make_real_estate()
    response = collector_client.patch(
        f"{URL}/{real_estate.pk}", {"title": "X"}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 412


def test_a_failed_precondition_is_answered_before_the_body_is_read(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    """RFC 9110 §13.2.1: preconditions are evaluated before the request content is processed, so
    an invalid body under an If-Match naming no version of it is a 412, not a 400 (Schemathesis'
    negative_data_rejection expects a 400 there: a false positive, docs/adr/0104)."""
    real_estate = make_real_estate()
    response = collector_client.patch(
        f"{URL}/{real_estate.pk}", {"area_m2": "-.1*"}, format="json", HTTP_IF_MATCH='W/"I;pDr]B-m"'
    )
    assert response.status_code == 412
    assert code_of(response) == "PRECONDITION_FAILED"
    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version


def test_if_match_star_and_a_weak_current_etag_are_accepted(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    url = f"{URL}/{real_estate.pk}"
    assert collector_client.patch(url, {"title": "Um"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    weak = "W/" + collector_client.get(url)["ETag"]
    assert (
        collector_client.patch(url, {"title": "Dois"}, format="json", HTTP_IF_MATCH=weak).status_code == 200
    )


def test_if_match_takes_a_list_of_etags(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    url = f"{URL}/{real_estate.pk}"
    listed = f'"{"0" * 32}-1", W/"x", {collector_client.get(url)["ETag"]}'
    assert (
        collector_client.patch(url, {"title": "Um"}, format="json", HTTP_IF_MATCH=listed).status_code == 200
    )


def test_if_match_listing_an_older_and_the_current_etag_matches(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    url = f"{URL}/{real_estate.pk}"
    older = collector_client.get(url)["ETag"]
    collector_client.patch(url, {"title": "Um"}, format="json", HTTP_IF_MATCH=older)
    listed = f"{older}, {collector_client.get(url)['ETag']}"
    response = collector_client.patch(url, {"title": "Dois"}, format="json", HTTP_IF_MATCH=listed)
    assert response.status_code == 200, response.content
    assert RealEstate.objects.get(pk=real_estate.pk).title == "Dois"


@pytest.mark.parametrize("method", ["patch", "delete", "submit"])
def test_an_etag_with_a_version_of_thousands_of_digits_is_412_not_a_500(
    collector_client: APIClient, make_real_estate: MakeRealEstate, method: str
) -> None:
    real_estate = make_real_estate()
    url = f"{URL}/{real_estate.pk}"
    if_match = f'"{real_estate.pk.hex}-{"9" * 5000}"'
    if method == "submit":
        response = collector_client.post(f"{url}/submit", HTTP_IF_MATCH=if_match)
    else:
        send = getattr(collector_client, method)
        response = send(url, {"title": "X"}, format="json", HTTP_IF_MATCH=if_match)
    assert response.status_code == 412, response.content
    assert code_of(response) == "PRECONDITION_FAILED"
    assert RealEstate.objects.get(pk=real_estate.pk).version == real_estate.version


def test_a_patch_validates_only_the_fields_sent(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    response = collector_client.patch(f"{URL}/{real_estate.pk}", {"address": {"state": "ZZ"}}, format="json")
    assert response.status_code == 400
    assert field_codes(response, "address", "state") == [errors.UF_INVALID.code]


def test_editing_a_submitted_real_estate_is_a_conflict(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = collector_client.patch(f"{URL}/{real_estate.pk}", {"title": "X"}, format="json")
    assert response.status_code == 409
    assert code_of(response) == "REAL_ESTATE_NOT_EDITABLE"


def test_editing_a_rejected_real_estate_makes_it_a_draft_again(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.REJECTED)
    other_price = str(real_estate.price + 1)  # not the one the factory drew: an edit that changes it
    response = collector_client.patch(f"{URL}/{real_estate.pk}", {"price": other_price}, format="json")
    assert response.json()["status"] == "draft"
    assert history_of(real_estate)[-1] == (Status.REJECTED, Status.DRAFT)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED])
def test_an_edit_that_changes_nothing_writes_nothing(
    collector_client: APIClient, make_real_estate: MakeRealEstate, status: str
) -> None:
    real_estate = make_real_estate(status=status)
    # The clock stands still: the photos' links are signed with the time of each read.
    with time_machine.travel(timezone.now(), tick=False):
        read = collector_client.get(f"{URL}/{real_estate.pk}")
        before, changes = writes_on_record(), RealEstateChange.objects.count()
        body = read.json()
        same = {
            "title": body["title"],
            "price": body["price"],
            "address": {
                "latitude": float(body["address"]["latitude"]),
                "state": body["address"]["state"].lower(),
            },
        }
        for sent in ({}, same):
            response = collector_client.patch(
                f"{URL}/{real_estate.pk}", sent, format="json", HTTP_IF_MATCH=read["ETag"]
            )
            assert response.status_code == 200, response.content
            assert response["ETag"] == read["ETag"]
            assert response.json() == body  # a rejected one stays rejected: nothing was edited
    assert writes_on_record() == before  # no new version, history row or audit event
    assert RealEstateChange.objects.count() == changes  # nothing for offline clients to fetch


def test_an_edit_that_changes_nothing_still_answers_its_preconditions(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    stale = collector_client.get(f"{URL}/{real_estate.pk}")["ETag"]
    collector_client.patch(f"{URL}/{real_estate.pk}", {"title": "Outra"}, format="json")
    response = collector_client.patch(f"{URL}/{real_estate.pk}", {}, format="json", HTTP_IF_MATCH=stale)
    assert (response.status_code, code_of(response)) == (412, "PRECONDITION_FAILED")
    submitted = make_real_estate(status=Status.SUBMITTED)
    response = collector_client.patch(f"{URL}/{submitted.pk}", {}, format="json")
    assert (response.status_code, code_of(response)) == (409, "REAL_ESTATE_NOT_EDITABLE")


def test_a_collector_deletes_its_draft(collector_client: APIClient, make_real_estate: MakeRealEstate) -> None:
    real_estate = make_real_estate()
    assert collector_client.delete(f"{URL}/{real_estate.pk}").status_code == 204
    assert not RealEstate.objects.filter(pk=real_estate.pk).exists()


def test_deleting_with_a_stale_etag_is_412(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate()
    response = collector_client.delete(
        f"{URL}/{real_estate.pk}", HTTP_IF_MATCH=f'"{real_estate.pk.hex}-{real_estate.version + 1}"'
    )
    assert response.status_code == 412
    assert RealEstate.objects.filter(pk=real_estate.pk).exists()


def test_put_is_not_allowed(collector_client: APIClient, make_real_estate: MakeRealEstate) -> None:
    response = collector_client.put(f"{URL}/{make_real_estate().pk}", PAYLOAD, format="json")
    assert response.status_code == 405


# --- transitions ----------------------------------------------------------------------------


def test_the_review_flow_over_http(
    collector_client: APIClient, manager_client: APIClient, make_real_estate: MakeRealEstate, manager: User
) -> None:
    real_estate = make_real_estate(photos=1)
    url = f"{URL}/{real_estate.pk}"
    submitted = collector_client.post(f"{url}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted["ETag"].endswith(f'-{real_estate.version + 1}"')

    rejected = manager_client.post(f"{url}/reject", {"reason": "Faltam fotos"}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Faltam fotos"
    assert rejected.json()["reviewed_by"] == {"id": str(manager.pk), "name": manager.name}

    collector_client.patch(url, {"title": "Com fotos"}, format="json")
    collector_client.post(f"{url}/submit")
    approved = manager_client.post(f"{url}/approve")
    assert approved.json()["status"] == "approved"
    archived = manager_client.post(f"{url}/archive")
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"

    history = collector_client.get(f"{url}/history")
    assert history.status_code == 200
    steps = history.json()
    assert [(s["from"], s["to"]) for s in steps] == [
        ("draft", "submitted"),
        ("submitted", "rejected"),
        ("rejected", "draft"),
        ("draft", "submitted"),
        ("submitted", "approved"),
        ("approved", "archived"),
    ]
    assert steps[1]["by"] == {"id": str(manager.pk), "name": manager.name}
    assert steps[1]["reason"] == "Faltam fotos"
    assert set(steps[0]) == {"from", "to", "by", "at", "reason"}


def test_a_history_entry_of_a_deleted_user_shows_no_one(
    collector_client: APIClient, make_real_estate: MakeRealEstate, manager: User
) -> None:
    real_estate = make_real_estate(status=Status.APPROVED)  # approved by `manager`
    user_delete(user=manager, actor=None)
    history = collector_client.get(f"{URL}/{real_estate.pk}/history").json()
    assert [step["by"] for step in history if step["to"] == Status.APPROVED] == [None]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_rejecting_without_a_reason_is_a_validation_error(
    manager_client: APIClient, make_real_estate: MakeRealEstate, body: dict[str, str]
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = manager_client.post(f"{URL}/{real_estate.pk}/reject", body, format="json")
    assert response.status_code == 400
    assert field_codes(response, "reason") == [errors.REJECTION_REASON_REQUIRED.code]


def test_a_rejection_refuses_an_unknown_field_and_stays_submitted(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    """As every other write body: a field the endpoint does not take is named, not dropped."""
    real_estate = make_real_estate(status=Status.SUBMITTED)
    body = {"reason": "Faltam fotos", "rejection_reason": "Outra coisa"}
    response = manager_client.post(f"{URL}/{real_estate.pk}/reject", body, format="json")
    assert response.status_code == 400
    assert field_codes(response, "rejection_reason") == [errors.FIELD_NOT_ALLOWED.code]
    real_estate.refresh_from_db()
    assert real_estate.status == Status.SUBMITTED


def test_submitting_without_photos_is_a_conflict(
    collector_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(photos=0)
    response = collector_client.post(f"{URL}/{real_estate.pk}/submit")
    assert response.status_code == 409
    assert code_of(response) == "REAL_ESTATE_NEEDS_PHOTO"


@pytest.mark.parametrize(
    "case",
    [
        ("submit", Status.APPROVED, "REAL_ESTATE_CANNOT_SUBMIT"),
        ("approve", Status.DRAFT, "REAL_ESTATE_CANNOT_APPROVE"),
        ("reject", Status.APPROVED, "REAL_ESTATE_CANNOT_REJECT"),
        ("archive", Status.SUBMITTED, "REAL_ESTATE_CANNOT_ARCHIVE"),
    ],
)
def test_a_disallowed_transition_is_409_with_its_code(
    collector_client: APIClient,
    manager_client: APIClient,
    make_real_estate: MakeRealEstate,
    case: tuple[str, str, str],
) -> None:
    action, status, code = case
    real_estate = make_real_estate(status=status)
    client = collector_client if action == "submit" else manager_client
    response = client.post(f"{URL}/{real_estate.pk}/{action}", {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert code_of(response) == code


@pytest.mark.parametrize("action", ["approve", "reject", "archive"])
def test_a_collector_cannot_review_its_own_real_estate(
    collector_client: APIClient, make_real_estate: MakeRealEstate, action: str
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = collector_client.post(f"{URL}/{real_estate.pk}/{action}", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert code_of(response) == "PERMISSION_DENIED"


def test_a_manager_cannot_submit_for_the_collector(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(photos=1)
    assert manager_client.post(f"{URL}/{real_estate.pk}/submit").status_code == 403


def test_a_transition_with_a_stale_etag_is_412(
    manager_client: APIClient, make_real_estate: MakeRealEstate
) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    response = manager_client.post(
        f"{URL}/{real_estate.pk}/approve", HTTP_IF_MATCH=f'"{real_estate.pk.hex}-{real_estate.version + 5}"'
    )
    assert response.status_code == 412
    assert RealEstate.objects.get(pk=real_estate.pk).status == Status.SUBMITTED


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"price": "350000"},
        {"address": {**PAYLOAD["address"], "latitude": -23.5613459876, "complement": ""}},
        # -0.0 is 0: PostgreSQL stores no negative zero, so neither does the answer.
        {"address": {**PAYLOAD["address"], "latitude": -0.0, "longitude": -0.0000001}},
    ],
)
def test_the_201_of_a_create_is_exactly_what_a_read_then_returns(
    collector_client: APIClient, changes: dict[str, Any]
) -> None:
    created = collector_client.post(URL, {**PAYLOAD, **changes}, format="json")
    assert created.status_code == 201, created.content
    read = collector_client.get(f"{URL}/{created.json()['id']}")
    assert created.json() == read.json()
    assert created["ETag"] == read["ETag"]


def test_an_address_read_from_the_detail_is_taken_back_as_it_is(collector_client: APIClient) -> None:
    """The output writes a coordinate as a decimal string (SPEC: decimals are strings): a client
    that sends back the address it read, coordinates included, is understood (docs/adr/0022)."""
    created = collector_client.post(URL, payload(), format="json").json()
    address = {**created["address"], "complement": "Fundos"}

    response = collector_client.patch(f"{URL}/{created['id']}", {"address": address}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["address"] == address
