"""A list page's statement is compiled once per thread and key (`querysets.page_rows`), and
what it answers is what evaluating the page's queryset answers: the same rows, today's data,
each caller's own."""

import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from apps.real_estates import querysets
from apps.real_estates.api.filters import RealEstateFilterSet, narrowing
from apps.real_estates.models import Status
from apps.real_estates.querysets import listing, page_rows, visibility
from apps.users.models import Role, User
from tests.real_estates.conftest import MakeRealEstate
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/real-estates"


@pytest.fixture(autouse=True)
def _no_pages_from_other_tests() -> Iterator[None]:
    querysets._compiled.__dict__.clear()
    yield
    querysets._compiled.__dict__.clear()


@pytest.fixture
def compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every statement compiled from now on."""
    compiled: list[str] = []
    real_as_sql = SQLCompiler.as_sql

    def counted(compiler: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        statement = real_as_sql(compiler, *args, **kwargs)
        compiled.append(statement[0])
        return statement

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return compiled


@pytest.fixture
def twelve(make_real_estate: MakeRealEstate) -> None:
    for i in range(12):
        make_real_estate(
            status=Status.APPROVED if i % 2 else Status.DRAFT,
            price=Decimal(100_000 + 1000 * i),
            city="Campinas" if i % 3 else "Curitiba",
            state="SP" if i % 3 else "PR",
        )


def approved_by_price() -> Any:
    params = (("ordering", ("-price",)), ("status", ("approved",)))
    return narrowing(RealEstateFilterSet, params).apply(listing())


def test_it_answers_what_evaluating_the_page_answers(twelve: None, collector: User) -> None:
    for page in (
        listing()[:5],
        listing()[5:10],
        approved_by_price()[:4],
        approved_by_price()[4:8],
        listing().visible_to(collector)[:50],
    ):
        expected = list(page.all())
        assert page_rows(page.all(), ("page", str(page.query))) == expected
        assert page_rows(page.all(), ("page", str(page.query))) == expected  # compiled, then kept


def test_a_kept_statement_is_executed_afresh_and_never_compiled_again(
    twelve: None, make_real_estate: MakeRealEstate, compilations: list[str]
) -> None:
    first = page_rows(approved_by_price()[:50], "approved")
    assert len(compilations) == 1
    newest = make_real_estate(status=Status.APPROVED, price=Decimal("999999"))
    compilations.clear()
    with CaptureQueriesContext(connection) as queries:
        again = page_rows(approved_by_price()[:50], "approved")
    assert compilations == []
    assert len(queries) == 1
    assert again[0]["id"] == newest.pk  # today's data: the statement ran again
    assert again[1:] == first


def test_each_key_has_its_own_statement(twelve: None, collector: User, compilations: list[str]) -> None:
    someone_else = UserFactory()
    mine = page_rows(listing().visible_to(collector)[:50], visibility(collector))
    theirs = page_rows(listing().visible_to(someone_else)[:50], visibility(someone_else))
    assert len(mine) == 12
    assert theirs == []
    assert len(compilations) == 2


def test_the_least_recently_used_statement_is_dropped(
    twelve: None, compilations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(querysets, "COMPILED_PAGES_PER_THREAD", 2)
    for key in ("a", "b", "a", "c", "a", "b"):
        page_rows(listing()[:3], key)
    # a, b compiled; a kept (used again); c compiled and b dropped; a kept; b compiled again
    assert len(compilations) == 4
    assert list(querysets._compiled.pages) == ["a", "b"]


def test_a_page_that_can_match_nothing_is_empty_and_not_kept(twelve: None) -> None:
    assert page_rows(listing().none()[:5], "nothing") == []
    assert "nothing" not in querysets._compiled.pages


@pytest.mark.django_db(transaction=True)  # the other thread's connection sees the rows
def test_each_thread_compiles_its_own(twelve: None, compilations: list[str]) -> None:
    page_rows(listing()[:5], "shared key")
    answers: list[Any] = []

    def fetch() -> None:
        answers.append(page_rows(listing()[:5], "shared key"))
        connection.close()  # the thread's own connection

    thread = threading.Thread(target=fetch)
    thread.start()
    thread.join()
    assert len(compilations) == 2
    assert answers == [page_rows(listing()[:5], "shared key")]


def test_visibility_names_what_visible_to_shows(collector: User, manager: User, admin_user: User) -> None:
    inactive = UserFactory(is_active=False, role=Role.MANAGER)
    assert visibility(AnonymousUser()) == "none"
    assert visibility(inactive) == "none"
    assert visibility(manager) == visibility(admin_user) == "all"
    assert visibility(collector) == f"collector:{collector.pk}"


def test_the_list_api_answers_each_caller_with_their_own_rows_page_by_page(
    twelve: None, client_for: Any, collector: User, manager: User
) -> None:
    someone_else = UserFactory(role=Role.COLLECTOR)
    query = "?status=approved&ordering=-price&page_size=4"
    for _ in range(2):  # the second round reuses every statement
        mine = client_for(collector).get(f"{LIST}{query}").json()
        assert [item["price"] for item in mine["results"]] == [
            "111000.00",
            "109000.00",
            "107000.00",
            "105000.00",
        ]
        second = client_for(collector).get(f"{LIST}{query}&page=2").json()
        assert [item["price"] for item in second["results"]] == ["103000.00", "101000.00"]
        assert client_for(someone_else).get(f"{LIST}{query}").json()["count"] == 0
        assert client_for(someone_else).get(f"{LIST}{query}").json()["results"] == []
        everyone = client_for(manager).get(f"{LIST}?ordering=price&page_size=5&page=3").json()
        assert [item["price"] for item in everyone["results"]] == ["110000.00", "111000.00"]
        reversed_ = client_for(manager).get(f"{LIST}?ordering=-price&page_size=5&page=3").json()
        assert [item["price"] for item in reversed_["results"]] == ["101000.00", "100000.00"]
