"""The list's costly shapes on PostgreSQL (docs/adr/0057): a `q` page and a dense `near` page found
ids first on a covering index, status + state + an area range on its index, the stats read from
their covering index; and, through the API, that the pages read that way are the list's pages."""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate, Status
from apps.real_estates.querysets import LISTING_COLUMNS
from tests.real_estates.factories import RealEstateFactory

# Committed rows, vacuumed: a plan is the planner's pick for the table as autovacuum keeps it (its
# visibility map prices an index-only scan); over an open transaction's rows the pick rested on
# statistics earlier tests had left, and could flip in a full run (docs/adr/0057, note).
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/real-estates"
SE = (-23.5505, -46.6333)
NEWEST_FIRST = ("-created_at", "-id")


def _plan(queryset: Any, *, off: tuple[str, ...] = ("seqscan", "bitmapscan")) -> str:
    """EXPLAIN of `queryset` after ANALYZE, with the scans in `off` priced out, so the plan shows
    what the indexes can serve (a few thousand rows are too few for the planner to prefer an index
    on its own)."""
    sql, params = queryset.query.sql_with_params()
    return _explain(sql, params, off=off)


def _explain(sql: str, params: Any = None, *, off: tuple[str, ...] = ("seqscan", "bitmapscan")) -> str:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE real_estates_realestate")
        for scan in off:
            cursor.execute(f"SET enable_{scan} = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            for scan in off:
                cursor.execute(f"RESET enable_{scan}")


@pytest.fixture
def spread(db: None) -> None:
    """3000 real estates: every fifth with a pool (`piscina`), two thirds within 3 km of the Sé,
    the rest across Brazil, each status, one a minute apart."""
    rng = random.Random(57)
    now = timezone.now()
    rows = []
    for i in range(3000):
        close = i % 3 != 0
        lat = SE[0] + rng.uniform(-0.02, 0.02) if close else rng.uniform(-30, -5)
        lng = SE[1] + rng.uniform(-0.02, 0.02) if close else rng.uniform(-60, -38)
        rows.append(
            bulk_row(
                status=(Status.APPROVED, Status.DRAFT, Status.SUBMITTED)[i % 3],
                reviewed_at=now if i % 3 == 0 else None,
                photo_count=1,
                description="Casa com piscina" if i % 5 == 0 else "Casa ampla",
                latitude=Decimal(f"{lat:.6f}"),
                longitude=Decimal(f"{lng:.6f}"),
                created_at=now - timedelta(minutes=i),
            )
        )
    RealEstate.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) real_estates_realestate")


def bulk_row(
    *, status: Status, reviewed_at: Any, photo_count: int, created_at: Any, **fields: Any
) -> RealEstate:
    """A row for `bulk_create`, as a bulk loader (`seed_demo`) writes it: a plan needs thousands
    of rows in every status, which the services would take minutes to walk; the factory builds
    the draft and the loader's columns are set on it."""
    row: RealEstate = RealEstateFactory.build(collected_by=None, **fields)
    row.status, row.reviewed_at, row.photo_count, row.created_at = (
        status,
        reviewed_at,
        photo_count,
        created_at,
    )
    return row


def _page(queryset: Any) -> Any:
    return queryset.values(*LISTING_COLUMNS).order_by(*NEWEST_FIRST).page_ids(0, 50)


def test_a_q_page_finds_its_ids_by_an_index_only_scan_newest_first(spread: None) -> None:
    plan = _plan(_page(RealEstate.objects.search("piscina", by_index=False)))
    assert "Index Only Scan using re_created_idx" in plan, plan


def test_a_page_read_ids_first_looks_its_ids_up_as_one_array(spread: None) -> None:
    """`id = ANY(ARRAY(<ids>))`: the ids' statement is an init plan, its array one lookup of the
    primary key; no semi-join (a unique aggregate of the ids and a nested loop) to plan."""
    plan = _plan(_page(RealEstate.objects.search("piscina", by_index=False)))
    assert "InitPlan" in plan, plan
    assert "Index Cond: (id = ANY" in plan, plan
    assert "Aggregate" not in plan, plan
    assert "Nested Loop" not in plan, plan


def test_a_dense_circle_finds_its_ids_newest_first_checking_the_distance_on_the_index(spread: None) -> None:
    plan = _plan(_page(RealEstate.objects.near(*SE, radius_km=5, by_area=False)))
    assert "Index Only Scan using re_created_idx" in plan, plan
    assert "earth_box" not in plan
    # The bounding box is tested on the index tuple, and before the distance (cheaper first).
    scan = plan[plan.index("Index Only Scan using re_created_idx") :]
    scan_filter = next(line for line in scan.splitlines() if "Filter:" in line)
    assert scan_filter.index("numeric_ge(latitude") < scan_filter.index("asin"), scan_filter


def test_a_dense_circles_box_leaves_the_ordered_scan_to_the_planner(spread: None) -> None:
    """Nothing forced: the box is no range an index could serve (the btree on (latitude, longitude)
    would be chosen from independent histograms, then the circle sorted), so the page's ids are the
    ordered scan's or a plain scan's, never a bitmap of the box."""
    plan = _plan(_page(RealEstate.objects.near(*SE, radius_km=5, by_area=False)), off=())
    assert "re_lat_lng_idx" not in plan, plan
    # (The page's rows may be a bitmap of the primary key's lookups of the ids, on a table this small.)
    bitmaps = [line for line in plan.splitlines() if "Bitmap Index Scan" in line]
    assert all("real_estates_realestate_pkey" in line for line in bitmaps), plan


@pytest.fixture
def drafts_on_top(db: None) -> None:
    """3000 real estates one a minute apart, as production holds them: the newest thousand not
    reviewed yet (drafts and submitted), the older ones in every status, two fifths approved."""
    now = timezone.now()
    older = (Status.APPROVED, Status.ARCHIVED, Status.DRAFT, Status.APPROVED, Status.SUBMITTED)
    rows = []
    for i in range(3000):
        status = (Status.DRAFT, Status.SUBMITTED)[i % 2] if i < 1000 else older[i % 5]
        reviewed_at = now if status in (Status.APPROVED, Status.ARCHIVED) else None
        rows.append(
            bulk_row(
                status=status, reviewed_at=reviewed_at, photo_count=1, created_at=now - timedelta(minutes=i)
            )
        )
    RealEstate.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) real_estates_realestate")


def test_a_status_list_reads_that_statuss_rows_alone_newest_first(drafts_on_top: None) -> None:
    """Not the newest rows of every status, filtered: the newest thousand would all be read and
    dropped before the first approved one. The planner takes that plan at PostgreSQL's default
    `random_page_cost` (4), and the status's index at ours (1.1; docs/adr/0085)."""
    page = RealEstate.objects.filter(status=Status.APPROVED).values(*LISTING_COLUMNS).order_by(*NEWEST_FIRST)
    plan = _plan(page[:50])
    assert "Index Scan using re_status_created_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_status_state_and_an_area_range_by_area_scan_their_index_in_order(spread: None) -> None:
    page = RealEstate.objects.filter(
        status=Status.APPROVED, state="SP", area_m2__gte=60, area_m2__lte=150, bedrooms__gte=2
    ).order_by("-area_m2", "-id")
    plan = _plan(page.values("id")[:50])
    assert "re_status_state_area_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_the_stats_are_an_index_only_scan_of_their_covering_index(spread: None) -> None:
    for group_by in ("city", "state", "kind", "status"):
        plan = _plan(RealEstate.objects.filter(status=Status.APPROVED, kind="house").stats_by(group_by))
        assert "Index Only Scan using re_stats_idx" in plan, plan
    assert "Index Only Scan using re_stats_idx" in _plan(RealEstate.objects.stats_by("city"))


def test_the_stats_of_a_circle_test_it_on_their_covering_index(
    spread: None, manager_client: APIClient
) -> None:
    """Through the API: the circle's box and distance are tested on `re_stats_idx`'s tuples (an
    index-only scan, whatever the radius), not taken from the GiST index and read from the table;
    the figures are those of the circle taken by its area."""
    params = {"group_by": "city", "near": f"{SE[0]},{SE[1]}", "radius_km": 5}
    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(f"{URL}/stats", params)
    assert response.status_code == 200, response.content
    (statement,) = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert "earth_box" not in statement
    plan = _explain(statement)
    assert "Index Only Scan using re_stats_idx" in plan, plan
    by_area = RealEstate.objects.near(*SE, radius_km=5).stats_by("city")
    cents = Decimal("0.01")
    expected = [
        (
            row["city"],
            row["count"],
            str(Decimal(str(row["avg_price"])).quantize(cents, rounding=ROUND_HALF_UP)),
            str(Decimal(str(row["avg_price_per_m2"])).quantize(cents, rounding=ROUND_HALF_UP)),
        )
        for row in by_area
    ]
    results = response.json()["results"]
    assert [(r["key"], r["count"], r["avg_price"], r["avg_price_per_m2"]) for r in results] == expected
    assert sum(r["count"] for r in results) == 2000  # two thirds of the sample, within 3 km


def test_a_page_found_ids_first_holds_the_rows_of_the_plain_slice(spread: None) -> None:
    rows = RealEstate.objects.search("piscina").values(*LISTING_COLUMNS).order_by("-price", "-id")
    assert list(rows.page_ids(40, 60)) == list(rows[40:60])
    assert list(rows.page_ids(0, 0)) == []


# --- through the API --------------------------------------------------------------------------


def _all_pages(client: APIClient, params: dict[str, Any]) -> tuple[int, list[str]]:
    ids: list[str] = []
    page = client.get(URL, {**params, "page_size": 7}).json()
    count = page["count"]
    while True:
        ids += [item["id"] for item in page["results"]]
        if not page["next"]:
            return count, ids
        page = client.get(page["next"]).json()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "piscina"},
        {"q": "piscina", "status": "approved", "ordering": "-created_at"},
        {"q": "piscina", "ordering": "price"},
        {"q": "casa ampla", "ordering": "created_at"},
        {"q": "lareira"},  # rare: found through the trigram index
    ],
)
def test_q_pages_found_ids_first_are_the_lists_pages(
    db: None, manager_client: APIClient, params: Any
) -> None:
    rng = random.Random(5)
    now = timezone.now()
    RealEstate.objects.bulk_create(
        bulk_row(
            status=(status := rng.choice([Status.APPROVED, Status.DRAFT])),
            reviewed_at=now if status == Status.APPROVED else None,
            photo_count=1,
            description=rng.choice(["Casa com piscina", "Casa ampla", "Casa ampla", "Casa com lareira"]),
            price=Decimal(rng.choice([100_000, 200_000, 300_000])),  # ties: the id decides
            created_at=now - timedelta(minutes=rng.randint(0, 5)),
        )
        for _ in range(120)
    )
    queryset = RealEstate.objects.search(params["q"])
    if "status" in params:
        queryset = queryset.filter(status=params["status"])
    key = params.get("ordering", "-created_at")
    expected = [
        str(pk)
        for pk in queryset.order_by(key, "-id" if key.startswith("-") else "id").values_list("id", flat=True)
    ]
    count, ids = _all_pages(manager_client, params)
    assert expected
    assert ids == expected
    assert count == len(expected)
    assert manager_client.get(URL, {**params, "page_size": 7, "page": 100}).status_code == 404


def _page_statement(client: APIClient, params: dict[str, Any]) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {**params, "page_size": 50})
    assert response.status_code == 200, response.content
    (statement,) = [
        q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "real_estates" in q["sql"]
    ]
    return [item["id"] for item in response.json()["results"]], statement


def test_a_dense_circle_is_read_newest_first_and_a_sparse_one_by_area(
    spread: None, manager_client: APIClient
) -> None:
    dense = {"near": f"{SE[0]},{SE[1]}", "radius_km": 5}
    ids, statement = _page_statement(manager_client, dense)
    assert "earth_box" not in statement
    expected = RealEstate.objects.near(*SE, radius_km=5).order_by(*NEWEST_FIRST).values_list("id", flat=True)
    assert ids == [str(pk) for pk in expected[:50]]

    far = RealEstate.objects.filter(latitude__lt=-27).order_by("id").first()  # far from the Sé
    assert far is not None
    assert far.latitude is not None
    assert far.longitude is not None
    centre = (float(far.latitude), float(far.longitude))
    sparse = {"near": f"{centre[0]:.6f},{centre[1]:.6f}", "radius_km": 100}
    ids, statement = _page_statement(manager_client, sparse)
    assert "earth_box" in statement
    expected = RealEstate.objects.near(*centre, radius_km=100).order_by(*NEWEST_FIRST)
    assert ids == [str(pk) for pk in expected.values_list("id", flat=True)[:50]]
    assert ids  # the sample has some


def test_a_dense_circle_ordered_by_distance_is_read_by_area(spread: None, manager_client: APIClient) -> None:
    ids, statement = _page_statement(
        manager_client, {"near": f"{SE[0]},{SE[1]}", "radius_km": 5, "ordering": "distance"}
    )
    assert "earth_box" in statement
    expected = (
        RealEstate.objects.near(*SE, radius_km=5).order_by("distance_km", "id").values_list("id", flat=True)
    )
    assert ids == [str(pk) for pk in expected[:50]]


def test_a_common_word_is_read_newest_first_and_a_rare_one_through_its_index(
    spread: None, manager_client: APIClient
) -> None:
    ids, statement = _page_statement(manager_client, {"q": "piscina"})  # one in five
    assert "STRPOS" in statement
    assert "LIKE" not in statement
    expected = RealEstate.objects.search("piscina").order_by(*NEWEST_FIRST).values_list("id", flat=True)
    assert ids == [str(pk) for pk in expected[:50]]
    rare = RealEstate.objects.order_by("id").first()
    assert rare is not None
    RealEstate.objects.filter(pk=rare.pk).update(search_text="casa com lareira")
    ids, statement = _page_statement(manager_client, {"q": "lareira"})
    assert "LIKE" in statement
    assert "STRPOS" not in statement
    assert ids == [str(rare.pk)]


def test_a_collectors_list_keeps_the_index_plans(spread: None, client_for: Any, collector: Any) -> None:
    RealEstate.objects.filter(status=Status.DRAFT).update(collected_by=collector)
    ids, statement = _page_statement(client_for(collector), {"q": "piscina"})
    assert "LIKE" in statement
    assert "STRPOS" not in statement
    expected = RealEstate.objects.filter(collected_by=collector).search("piscina").order_by(*NEWEST_FIRST)
    assert ids == [str(pk) for pk in expected.values_list("id", flat=True)[:50]]
