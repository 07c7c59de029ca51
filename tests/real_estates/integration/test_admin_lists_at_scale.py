"""The real estates' changelist reads what its page shows, not every row for its filters' choices:
at a million real estates each list of distinct UFs or cities took 0.2 to 0.6 s on every page
(docs/adr/0116); the review queue's page is read in an index's order (docs/adr/0128)."""

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.real_estates import services
from apps.real_estates.admin import RealEstateAdmin
from apps.real_estates.models import Status
from apps.users.models import User
from tests.real_estates.conftest import MakeRealEstate
from tests.real_estates.helpers import CHANGELIST

pytestmark = pytest.mark.django_db


def _distinct_statements(client: Client, params: dict[str, str]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(CHANGELIST, params)
    assert page.status_code == 200
    return [q["sql"].removeprefix("SELECT ") for q in captured.captured_queries if "DISTINCT" in q["sql"]]


PAGES = [{}, {"state": "SP"}, {"state": "SP", "city": "Campinas"}, {"city": "Campinas"}]


@pytest.mark.parametrize("params", PAGES)
def test_the_uf_and_city_filters_list_no_distinct_values_of_the_table(
    staff: Client, make_real_estate: MakeRealEstate, params: dict[str, str]
) -> None:
    make_real_estate(city="Campinas", state="SP")

    statements = _distinct_statements(staff, params)

    columns = ('DISTINCT "real_estates_realestate"."state"', 'DISTINCT "real_estates_realestate"."city"')
    assert [sql for sql in statements if sql.startswith(columns)] == []


@pytest.mark.parametrize("params", [{"_facets": "1"}, {"_facets": "1", "status__exact": Status.SUBMITTED}])
def test_the_list_counts_no_options_even_when_asked(
    staff: Client, make_real_estate: MakeRealEstate, params: dict[str, str]
) -> None:
    """No "show counts": each filter's per-option counts are one more pass over the table."""
    make_real_estate(city="Campinas", state="SP")

    with CaptureQueriesContext(connection) as captured:
        page = staff.get(CHANGELIST, params)

    assert page.status_code == 200
    assert [q["sql"] for q in captured.captured_queries if "FILTER (WHERE" in q["sql"]] == []


def test_the_uf_filter_offers_every_uf_and_filters_on_it(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """Offered before any real estate of that UF exists: read from the UFs, not from the table."""
    in_pr = make_real_estate(city="Curitiba", state="PR")
    make_real_estate(city="Campinas", state="SP")

    page = staff.get(CHANGELIST, {"state": "PR"})

    assert [r.pk for r in page.context["cl"].result_list] == [in_pr.pk]
    html = page.content.decode()
    for uf in ("AC", "PR", "SP", "TO"):
        assert f"?state={uf}" in html


def test_the_city_filter_offers_the_ufs_cities_once_a_uf_is_chosen(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    campinas = make_real_estate(city="Campinas", state="SP")
    make_real_estate(city="Santos", state="SP")
    make_real_estate(city="Curitiba", state="PR")

    unfiltered = staff.get(CHANGELIST).content.decode()
    in_sp = staff.get(CHANGELIST, {"state": "SP"}).content.decode()
    chosen = staff.get(CHANGELIST, {"state": "SP", "city": "Campinas"})

    assert "city=Campinas" not in unfiltered
    assert "city=Campinas" in in_sp
    assert "city=Santos" in in_sp
    assert "city=Curitiba" not in in_sp
    assert [r.pk for r in chosen.context["cl"].result_list] == [campinas.pk]


def test_a_city_chosen_without_a_uf_filters_and_shows_as_chosen(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """A bookmark of the old list (`?city=...`) still works, and the filter says what it filters."""
    campinas = make_real_estate(city="Campinas", state="SP", status=Status.SUBMITTED)
    make_real_estate(city="Santos", state="SP")

    page = staff.get(CHANGELIST, {"city": "Campinas"})

    assert [r.pk for r in page.context["cl"].result_list] == [campinas.pk]
    city_filter = next(f for f in page.context["cl"].filter_specs if f.expected_parameters() == ["city"])
    assert [c["display"] for c in city_filter.choices(page.context["cl"]) if c["selected"]] == ["Campinas"]


def test_the_review_queue_waits_from_the_latest_submission(
    staff: Client, make_real_estate: MakeRealEstate, collector: User, manager: User
) -> None:
    """The queue sorts on each real estate's latest transition, which for a submitted one is its
    submission: one sent back and submitted again waits from then, not from its first submission."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=5, hours=1), tick=False):
        resubmitted = make_real_estate(status=Status.SUBMITTED)
    with time_machine.travel(now - timedelta(days=4, hours=1), tick=False):
        services.real_estate_reject(real_estate=resubmitted, actor=manager, reason="Fotos escuras")
    with time_machine.travel(now - timedelta(days=3, hours=1), tick=False):
        waiting = make_real_estate(status=Status.SUBMITTED)
    with time_machine.travel(now - timedelta(days=1, hours=1), tick=False):
        edited = {"title": f"{resubmitted.title} (fotos novas)"}  # the collector's edit reopens it
        services.real_estate_update(real_estate=resubmitted, actor=collector, fields=edited)
        services.real_estate_submit(real_estate=resubmitted, actor=collector)

    page = staff.get(CHANGELIST, {"status__exact": Status.SUBMITTED})

    assert [r.pk for r in page.context["cl"].result_list] == [waiting.pk, resubmitted.pk]
    assert [r.submitted_at.date() for r in page.context["cl"].result_list] == [
        (now - timedelta(days=3, hours=1)).date(),
        (now - timedelta(days=1, hours=1)).date(),
    ]


def _page_statement(captured: CaptureQueriesContext) -> str:
    """The statement that read the page's rows (the one with the changelist's LIMIT)."""
    pages = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "real_estates_realestate"."id"') and " LIMIT " in q["sql"]
    ]
    assert len(pages) == 1, pages
    return pages[0]


def _plan(sql: str, *, off: tuple[str, ...] = ("seqscan", "bitmapscan", "sort")) -> str:
    """EXPLAIN of `sql` with the scans and the sort in `off` priced out: what the indexes can serve
    (a few rows are too few for the planner to prefer an index on its own); a Sort left in the plan
    is one no index can spare."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE real_estates_realestate")
        for setting in off:
            cursor.execute(f"SET LOCAL enable_{setting} = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    "params",
    [
        {"status__exact": Status.SUBMITTED},
        {"status__exact": Status.SUBMITTED, "o": "7"},  # days waiting (the checkbox is column 0)
    ],
)
def test_the_review_queue_reads_its_page_in_an_indexs_order(
    staff: Client, make_real_estate: MakeRealEstate, params: dict[str, Any]
) -> None:
    """The queue sorted every submitted real estate on a subquery, its latest transition: 4 s at
    158k submitted. A page is now the first rows of `re_submitted_queue_idx`, no sort."""
    for _ in range(3):
        make_real_estate(status=Status.SUBMITTED)
    make_real_estate(status=Status.APPROVED)

    with CaptureQueriesContext(connection) as captured:
        page = staff.get(CHANGELIST, params)

    assert page.status_code == 200
    plan = _plan(_page_statement(captured))
    assert "re_submitted_queue_idx" in plan
    assert "Sort" not in plan


DATE_PAGES = [
    {},
    {"status__exact": Status.SUBMITTED},
    {"created_at__year": "2025"},
    {"created_at__year": "2025", "created_at__month": "3"},
    {"created_at__year": "2025", "created_at__month": "3", "created_at__day": "14"},
]


@pytest.mark.parametrize("params", DATE_PAGES)
def test_the_date_hierarchy_lists_no_distinct_dates_of_the_rows(
    staff: Client, make_real_estate: MakeRealEstate, params: dict[str, str]
) -> None:
    """Django's date hierarchy listed the distinct years (months, days) of the filtered rows, a
    pass over them: 0.4 to 1.0 s of every unfiltered page at 1M real estates (docs/adr/0128)."""
    make_real_estate(status=Status.SUBMITTED)

    statements = _distinct_statements(staff, params)

    assert [sql for sql in statements if sql.startswith("DISTINCT DATE_TRUNC")] == []


def _hierarchy_links(html: str) -> list[str]:
    nav = html.split('aria-labelledby="date-hierarchy-label"', 1)[1].split("</nav>", 1)[0]
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in nav.split('href="')[1:]]


def test_the_date_hierarchy_offers_the_years_from_the_first_listing_to_the_last(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """The years between the table's first and last `created_at` (two index reads), with the links
    Django's hierarchy gives (`?created_at__year=...`, the other filters kept), each filtering."""
    with time_machine.travel(timezone.make_aware(timezone.datetime(2023, 5, 2, 12)), tick=False):
        first = make_real_estate()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2025, 3, 14, 12)), tick=False):
        last = make_real_estate()

    links = _hierarchy_links(staff.get(CHANGELIST, {"kind__exact": first.kind}).content.decode())
    in_2025 = staff.get(CHANGELIST, {"created_at__year": "2025"})

    assert links == [f"?created_at__year={year}&kind__exact={first.kind}" for year in (2023, 2024, 2025)]
    assert [r.pk for r in in_2025.context["cl"].result_list] == [last.pk]


def test_the_date_hierarchy_offers_the_months_and_days_within_the_listings(
    staff: Client, make_real_estate: MakeRealEstate
) -> None:
    """A year chosen: its months from the first listing's to the last's; a month: its days,
    likewise; a day: back to its month. As Django's, a year or a month of no listing of the
    current filter may be offered (the list then says it has none)."""
    with time_machine.travel(timezone.make_aware(timezone.datetime(2024, 11, 20, 12)), tick=False):
        make_real_estate()
    with time_machine.travel(timezone.make_aware(timezone.datetime(2025, 3, 14, 12)), tick=False):
        make_real_estate()

    year = _hierarchy_links(staff.get(CHANGELIST, {"created_at__year": "2025"}).content.decode())
    month = _hierarchy_links(
        staff.get(CHANGELIST, {"created_at__year": "2025", "created_at__month": "3"}).content.decode()
    )
    earlier = _hierarchy_links(
        staff.get(CHANGELIST, {"created_at__year": "2024", "created_at__month": "11"}).content.decode()
    )
    day = _hierarchy_links(
        staff.get(
            CHANGELIST, {"created_at__year": "2025", "created_at__month": "3", "created_at__day": "14"}
        ).content.decode()
    )

    assert year == ["?"] + [f"?created_at__month={m}&created_at__year=2025" for m in (1, 2, 3)]
    assert month == ["?created_at__year=2025"] + [
        f"?created_at__day={d}&created_at__month=3&created_at__year=2025" for d in range(1, 15)
    ]
    assert earlier[1] == "?created_at__day=20&created_at__month=11&created_at__year=2024"
    assert len(earlier) == 1 + 11
    assert day == ["?created_at__month=3&created_at__year=2025"]


def _sorts_rows(plan: str) -> bool:
    """A Sort node: rows read to be put in an order no index holds. (An Incremental Sort only
    orders ties of an index's order.)"""
    return any(line.strip().removeprefix("->").strip().startswith("Sort  (") for line in plan.splitlines())


def _sortable(page: Any) -> list[str]:
    """The columns whose header sorts the list, by their `?o=` number (the checkbox is column 0)."""
    return re.findall(r'<th scope="col" class="sortable column-(\w+)', page.content.decode())


@pytest.mark.parametrize("queue", [False, True])
def test_every_column_the_list_sorts_on_is_in_an_indexs_order(
    staff: Client, make_real_estate: MakeRealEstate, queue: bool
) -> None:
    """Sorting on title, purpose, city or collector read and sorted every row: 3.7 to 4.6 s at 1M
    real estates. Every column whose header sorts, either way, reads its page in an index's order
    (ties ordered incrementally at most)."""
    for status in (Status.SUBMITTED, Status.SUBMITTED, Status.APPROVED):
        make_real_estate(status=status)
    base = {"status__exact": Status.SUBMITTED} if queue else {}
    display = list(RealEstateAdmin.queue_display if queue else RealEstateAdmin.list_display)
    sortable = _sortable(staff.get(CHANGELIST, base))

    assert sortable
    for name in sortable:
        column = display.index(name) + 1
        for order in (str(column), f"-{column}"):
            with CaptureQueriesContext(connection) as captured:
                page = staff.get(CHANGELIST, {**base, "o": order})
            assert page.status_code == 200
            plan = _plan(_page_statement(captured))
            assert not _sorts_rows(plan), (name, order, plan)


def test_only_the_served_columns_offer_to_sort(staff: Client, make_real_estate: MakeRealEstate) -> None:
    make_real_estate(status=Status.SUBMITTED)

    listed = _sortable(staff.get(CHANGELIST))
    queue = _sortable(staff.get(CHANGELIST, {"status__exact": Status.SUBMITTED}))

    assert listed == ["price_display", "state", "created_display"]
    assert queue == ["price_display", "state", "days_waiting"]


@pytest.mark.parametrize("queue", [False, True], ids=["list", "queue"])
def test_an_address_asking_to_sort_a_column_without_a_header_sorts_nothing(
    staff: Client, make_real_estate: MakeRealEstate, queue: bool
) -> None:
    """`?o=` naming the title (no header offers it) leaves the page in its own order."""
    status = Status.SUBMITTED if queue else Status.DRAFT
    base = {"status__exact": status} if queue else {}
    for title in ("Casa B", "Casa C", "Casa A"):
        make_real_estate(title=title, status=status)
    display = list(RealEstateAdmin.queue_display if queue else RealEstateAdmin.list_display)
    by_title = str(display.index("title") + 1)

    for order in (by_title, f"-{by_title}"):
        unsorted = staff.get(CHANGELIST, base)
        asked = staff.get(CHANGELIST, {**base, "o": order})

        assert asked.status_code == 200
        titles = [r.title for r in asked.context["cl"].result_list]
        assert titles == [r.title for r in unsorted.context["cl"].result_list]
        assert titles not in (["Casa A", "Casa B", "Casa C"], ["Casa C", "Casa B", "Casa A"])
