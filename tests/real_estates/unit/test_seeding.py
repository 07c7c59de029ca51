"""The demo-data generator: realistic, consistent with the workflow, deterministic per seed."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from apps.real_estates.models import Kind, Status
from apps.real_estates.search import build_search_text
from apps.real_estates.seeding import AREAS, CITIES, DemoData, api_payloads, photo_choices
from apps.real_estates.validators import UFS
from apps.users.cpf import is_valid_cpf

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def generate(count: int, seed: int = 1) -> list[dict[str, object]]:
    return [item.fields for item in DemoData(seed, now=NOW).real_estates(count)]


def test_the_same_seed_gives_the_same_real_estates() -> None:
    assert generate(50, seed=3) == generate(50, seed=3)


def test_another_seed_gives_other_real_estates() -> None:
    assert generate(20, seed=3) != generate(20, seed=4)


def test_search_text_is_what_the_services_normaliser_makes() -> None:
    for fields in generate(300):
        expected = build_search_text(
            str(fields["title"]), str(fields["description"]), str(fields["street"]),
            str(fields["neighborhood"]), str(fields["city"]),
        )  # fmt: skip
        assert fields["search_text"] == expected


def test_addresses_are_real_city_uf_pairs_with_ceps_in_their_range() -> None:
    by_name = {city.name: city for city in CITIES}
    for fields in generate(300):
        city = by_name[str(fields["city"])]
        assert fields["state"] == city.uf
        assert fields["state"] in UFS
        cep = str(fields["zip_code"])
        assert len(cep) == 8
        assert cep.isdigit()
        assert city.cep_range[0] <= int(cep[:5]) <= city.cep_range[1]
        assert abs(float(fields["latitude"]) - city.lat) <= 0.08


def test_prices_areas_and_rooms_fit_the_kind() -> None:
    for fields in generate(500):
        kind = fields["kind"]
        assert Decimal(0) < fields["price"]
        low, high = AREAS[str(kind)]
        assert low <= fields["area_m2"] <= high
        if kind == Kind.LAND:
            assert fields["bedrooms"] == fields["bathrooms"] == fields["parking_spaces"] == 0
        if kind in (Kind.HOUSE, Kind.APARTMENT):
            assert int(fields["bedrooms"]) >= 1


def test_history_leads_to_the_status_with_the_review_fields_it_implies() -> None:
    data = DemoData(9, now=NOW)
    paths = {
        Status.SUBMITTED: [("draft", "submitted")],
        Status.APPROVED: [("draft", "submitted"), ("submitted", "approved")],
        Status.REJECTED: [("draft", "submitted"), ("submitted", "rejected")],
        Status.ARCHIVED: [("draft", "submitted"), ("submitted", "approved"), ("approved", "archived")],
    }
    seen = set()
    for item in data.real_estates(400):
        status = item.fields["status"]
        seen.add(status)
        steps = [(h[0], h[1]) for h in item.history]
        if status == Status.DRAFT:
            reopened = [("draft", "submitted"), ("submitted", "rejected"), ("rejected", "draft")]
            assert steps in ([], reopened)
        else:
            assert steps == paths[Status(status)]
        assert item.fields["version"] == 1 + len(steps)
        assert (item.fields["reviewed_at"] is not None) == any(h[2] == "reviewer" for h in item.history)
        assert bool(item.fields["rejection_reason"]) == (status == Status.REJECTED)
        times = [item.fields["created_at"], *(h[3] for h in item.history)]
        assert times == sorted(times)
        assert all(t <= NOW for t in times)
    assert seen == set(Status.values)


def test_demo_cpfs_are_valid() -> None:
    data = DemoData(2, now=NOW)
    assert all(is_valid_cpf(data.cpf()) for _ in range(200))


def test_api_payloads_nest_the_address_and_send_decimals_as_the_schema_types_them() -> None:
    body = api_payloads(1, seed=1)[0]
    assert set(body["address"]) == {
        "zip_code", "street", "number", "complement", "neighborhood", "city", "state",
        "latitude", "longitude",
    }  # fmt: skip
    assert isinstance(body["price"], str)
    assert isinstance(body["address"]["latitude"], float)  # a coordinate is a JSON number
    assert "search_text" not in body


def test_photo_choices_give_one_to_three_distinct_pictures_and_none_only_to_some_drafts() -> None:
    rng = random.Random(5)

    submitted = [photo_choices(rng, ever_submitted=True, available=6) for _ in range(300)]
    drafts = [photo_choices(rng, ever_submitted=False, available=6) for _ in range(300)]
    every = [photo_choices(rng, ever_submitted=False, available=6, every=True) for _ in range(300)]

    for shown in (*submitted, *every):
        assert 1 <= len(shown) <= 3
        assert len(set(shown)) == len(shown)
        assert set(shown) <= set(range(6))
    assert 0 < sum(1 for shown in drafts if not shown) < len(drafts)


def test_real_estates_come_oldest_first_spread_over_the_past_year() -> None:
    """As production inserts them, so the table's physical order follows `created_at`."""
    created = [fields["created_at"] for fields in generate(2000)]
    assert created == sorted(created)
    assert len(set(created)) == len(created)
    assert timedelta(days=364) < NOW - created[0] <= timedelta(days=365)
    assert timedelta(hours=1) <= NOW - created[-1] < timedelta(days=1)
    # uniform over the year: each quarter holds about a quarter of them
    quarters = [sum(1 for t in created if NOW - t > timedelta(days=365 * q / 4)) for q in (1, 2, 3)]
    assert quarters == [pytest.approx(n, abs=10) for n in (1500, 1000, 500)]


def test_the_newest_listings_are_still_drafts_or_awaiting_review() -> None:
    """A workflow step takes 1 to 240 hours, and one that would come after now has not happened:
    production's newest listings are not reviewed yet (docs/adr/0051, addendum)."""
    data = DemoData(4, now=NOW)
    for _ in range(300):  # created 90 minutes ago: a submission at most
        item = data.with_history(data.real_estate(), NOW - timedelta(minutes=90))
        assert item.fields["status"] in (Status.DRAFT, Status.SUBMITTED)

    items = generate(4000)
    reviewed = {Status.APPROVED, Status.REJECTED, Status.ARCHIVED}

    def reviewed_share(chunk: list[dict[str, object]]) -> float:
        return sum(1 for fields in chunk if fields["status"] in reviewed) / len(chunk)

    newest_week = [f for f in items if NOW - f["created_at"] < timedelta(days=7)]  # type: ignore[operator]
    assert len(newest_week) > 50
    assert reviewed_share(newest_week) < reviewed_share(items[:2000]) / 2
