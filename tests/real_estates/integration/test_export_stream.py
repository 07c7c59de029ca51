"""The streamed CSV export (docs/adr/0055): the same cells as the row-by-row rendering it
replaced, in chunks of whole lines, read from an ordinary server-side cursor in a transaction."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from apps.media.api.serializers import media_url
from apps.real_estates import export
from apps.real_estates.export import HEADER, csv_chunks, csv_lines, filtered_queryset
from apps.real_estates.models import RealEstate
from apps.real_estates.rendering import iso
from apps.users.models import User
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite

URL = "/api/v1/real-estates/export"
COVER = "thumbs/sha256/ab/cd/abcdef0123456789-256.webp"


def frozen() -> Any:
    """Time stopped now (the cover links' signatures carry the time; the access token must
    stay valid)."""
    return time_machine.travel(datetime.now(UTC), tick=False)


def _neutral(value: str) -> str:
    """The CSV-injection rule, written out once more: a cell a spreadsheet would evaluate
    gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def reference_csv(real_estates: list[RealEstate]) -> str:
    """The export as it was rendered before ADR 0055, one model instance at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for r in real_estates:
        writer.writerow(
            [
                str(r.pk),
                _neutral(r.title),
                r.kind,
                r.purpose,
                r.status,
                str(r.price),
                str(r.area_m2),
                r.bedrooms,
                _neutral(r.city),
                r.state,
                str(r.collected_by_id) if r.collected_by_id else "",
                _neutral(r.collected_by_name),
                r.photo_count,
                media_url(r.cover_key) or "",
                iso(r.created_at),
                iso(r.updated_at),
            ]
        )
    return out.getvalue()


@pytest.fixture
def edge_cases(collector: User) -> list[RealEstate]:
    """Rows whose cells are easy to print wrongly: decimals at both ends, no collector, every
    formula prefix, quotes and line breaks, each state of the cover, a time on a whole second."""
    made = [
        RealEstateFactory(price=Decimal("0"), area_m2=Decimal("0.01"), title="=1+2", collected_by=None),
        RealEstateFactory(
            price=Decimal("999999999999.99"), area_m2=Decimal("9999999999.99"), title="+55 11", city="@Sé"
        ),
        RealEstateFactory(price=Decimal("1500.5"), title="-desconto", bedrooms=0, collected_by=collector),
        RealEstateFactory(title="\tTab", city="\rCR"),
        RealEstateFactory(title='Casa "grande", com quintal\nnova linha; açaí ✓'),
        RealEstateFactory(title="Apartamento 2 quartos", collected_by=collector),
    ]
    RealEstate.objects.filter(pk=made[0].pk).update(photo_count=1, cover_key=COVER)
    RealEstate.objects.filter(pk=made[1].pk).update(photo_count=2, cover_key="")  # thumbnail not made yet
    RealEstate.objects.filter(pk=made[2].pk).update(photo_count=1, cover_key="thumbs/sha256/é ç/ação.webp")
    RealEstate.objects.filter(pk=made[3].pk).update(
        created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 5, 1, tzinfo=UTC),
    )
    User.objects.filter(pk=collector.pk).update(name="=cmd|' /C calc'!A0")
    RealEstate.objects.filter(collected_by=collector).update(collected_by_name="=cmd|' /C calc'!A0")
    return list(RealEstate.objects.all())  # the export's default order, values as stored


@pytest.mark.django_db
def test_the_export_is_cell_for_cell_what_the_row_by_row_rendering_printed(
    manager_client: APIClient, edge_cases: list[RealEstate]
) -> None:
    with frozen():
        expected = reference_csv(edge_cases)
        response = manager_client.get(URL)
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert body == expected
    assert body.count("\r\n") > len(edge_cases)  # a title's line break stays inside its quoted cell


@pytest.mark.django_db
def test_the_command_lines_and_the_stored_file_are_the_same_bytes_as_the_response(
    edge_cases: list[RealEstate],
) -> None:
    with frozen():
        chunks = b"".join(csv_chunks(filtered_queryset({})))
        lines = "".join(csv_lines(filtered_queryset({})))
        expected = reference_csv(edge_cases)
    assert chunks == lines.encode() == expected.encode()


@pytest.mark.django_db
def test_the_response_comes_in_chunks_of_whole_lines(
    manager_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "ROWS_PER_CHUNK", 2)
    RealEstateFactory.create_batch(5)
    with frozen():
        chunks = list(manager_client.get(URL).streaming_content)
        expected = reference_csv(list(RealEstate.objects.all()))
    # The header alone first, then two rows a chunk, the last one the rest.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 2, 2, 1]
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert b"".join(chunks).decode() == expected


@pytest.mark.django_db
def test_an_export_of_nothing_is_its_header() -> None:
    assert b"".join(csv_chunks(filtered_queryset({}))) == (",".join(HEADER) + "\r\n").encode()


def _cursors() -> list[tuple[str, bool]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, is_holdable FROM pg_cursors")
        return [(name, holdable) for name, holdable in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_rows_come_from_a_cursor_read_as_they_are_written_not_one_materialised_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Autocommit, as a request runs: a cursor outside a transaction would be `WITH HOLD`, and
    # PostgreSQL would compute the whole result before the first row.
    monkeypatch.setattr(export, "ROWS_PER_CHUNK", 1)
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)
    RealEstateFactory.create_batch(5)
    assert connection.get_autocommit()
    chunks = csv_chunks(filtered_queryset({}))
    assert next(chunks).startswith(b"id,title,")
    next(chunks)  # the first row
    assert connection.in_atomic_block
    assert [holdable for _, holdable in _cursors()] == [False]
    rest = list(chunks)
    assert len(rest) == 4
    assert not connection.in_atomic_block
    assert _cursors() == []


@pytest.mark.django_db(transaction=True)
def test_an_export_abandoned_midway_ends_its_transaction_and_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    # A client that goes away: the server closes the response, which closes the generator.
    monkeypatch.setattr(export, "ROWS_PER_CHUNK", 1)
    RealEstateFactory.create_batch(3)
    chunks: Any = csv_chunks(filtered_queryset({}))
    next(chunks)
    next(chunks)
    chunks.close()
    assert not connection.in_atomic_block
    assert _cursors() == []
    assert RealEstate.objects.count() == 3  # the connection is usable


EXPORT_ON_SQLITE = """
from decimal import Decimal
from django.core.management import call_command
from apps.real_estates.export import csv_lines, filtered_queryset
from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite
from tests.real_estates.integration.test_export_stream import reference_csv
from tests.users.factories import UserFactory
call_command("migrate", verbosity=0)
RealEstateFactory(price=Decimal("368000"), area_m2=Decimal("207.8"), collected_by=UserFactory())
RealEstateFactory(price=Decimal("0"), area_m2=Decimal("0.01"), collected_by=None)
RealEstateFactory(price=Decimal("999999999999.99"), area_m2=Decimal("9999999999.99"))
expected = reference_csv(list(RealEstate.objects.all()))
print("same" if "".join(csv_lines(filtered_queryset({}))) == expected else "different")
"""


def test_the_export_on_sqlite_prints_ids_and_decimals_as_on_postgresql(tmp_path: Path) -> None:
    """The cells read as text by the database (`CAST(... AS TEXT)`) were PostgreSQL's text: on
    SQLite, the embedded default, an id came out as 32 hex digits without its hyphens (not the id
    the API answers) and a price as `368000` or an area as `207.8`, without their cents."""
    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", EXPORT_ON_SQLITE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "same"
