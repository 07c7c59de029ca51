"""`manage.py export_real_estates`: the API's CSV (or JSON Lines), filtered like the list."""

import contextlib
import io
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from apps.real_estates import export as export_module
from apps.real_estates.models import Kind, RealEstate, Status
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_second() -> Iterator[None]:
    """Cover links carry the second they were signed in: the exports compared sign in the same one."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def estates() -> list[RealEstate]:
    return [
        RealEstateFactory(city="São Paulo", state="SP", kind=Kind.APARTMENT, price=Decimal("450000.00")),
        RealEstateFactory(city="São Paulo", state="SP", kind=Kind.HOUSE, price=Decimal("900000.00"),
                          title="Casa no Itaím", status=Status.SUBMITTED),
        RealEstateFactory(city="Curitiba", state="PR", kind=Kind.LAND, price=Decimal("120000.00"),
                          title="=HYPERLINK(\"http://x\")"),
        RealEstateFactory(city="Recife", state="PE", kind=Kind.APARTMENT, price=Decimal("2500.00"),
                          collected_by=None),
    ]  # fmt: skip


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_real_estates", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def api_export(client: APIClient, query: str = "") -> str:
    response = client.get(f"/api/v1/real-estates/export{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_csv_on_stdout_is_byte_for_byte_the_api_export(
    estates: list[RealEstate], manager_client: APIClient
) -> None:
    assert export() == api_export(manager_client)


@pytest.mark.parametrize(
    ("args", "query"),
    [
        (["--city", "são paulo"], "?city=s%C3%A3o%20paulo"),
        (["--state", "pr"], "?state=pr"),
        (["--status", "submitted"], "?status=submitted"),
        (["--kind", "apartment", "--ordering", "price"], "?kind=apartment&ordering=price"),
        (["--min-price", "100000", "--max-price", "500000"], "?min_price=100000&max_price=500000"),
        (["--q", "itaim"], "?q=itaim"),
    ],
)
def test_filters_select_what_the_api_selects(
    estates: list[RealEstate], manager_client: APIClient, args: list[str], query: str
) -> None:
    output = export(*args)

    assert output == api_export(manager_client, query)
    assert len(output.splitlines()) < len(estates) + 1  # the filter did filter


def test_with_near_the_distance_is_the_last_column_as_in_the_api(manager_client: APIClient) -> None:
    for latitude, longitude in [
        ("-23.550500", "-46.633300"),
        ("-22.905600", "-47.060800"),
        ("-8.0476", "-34.877"),
    ]:
        RealEstateFactory(latitude=Decimal(latitude), longitude=Decimal(longitude))

    output = export("--near=-23.5505,-46.6333", "--radius-km", "100", "--ordering", "distance")

    assert output == api_export(manager_client, "?near=-23.5505,-46.6333&radius_km=100&ordering=distance")
    header, *rows = output.splitlines()
    assert header.endswith(",distance_km")
    assert [row.rsplit(",", 1)[1] for row in rows] == ["0.000", "84.061"]


@pytest.mark.parametrize(
    ("args", "query"),
    [
        # Every point in Brazil is negative: argparse took such a value for an option ("expected
        # one argument"), so `--near LAT,LNG` as the help shows it never worked there.
        (["--near", "-23.5505,-46.6333", "--radius-km", "100"], "?near=-23.5505,-46.6333&radius_km=100"),
        (["--bbox", "-47.5,-24,-46,-22.5"], "?bbox=-47.5,-24,-46,-22.5"),
        (["--ordering", "-price"], "?ordering=-price"),
        (["--ordering", "-area_m2,created_at", "--format", "csv"], "?ordering=-area_m2,created_at"),
    ],
)
def test_a_filter_value_starting_with_a_minus_is_taken_as_the_value(
    manager_client: APIClient, args: list[str], query: str
) -> None:
    points = [("-23.550500", "-46.633300"), ("-22.905600", "-47.060800"), ("-8.0476", "-34.877")]
    for latitude, longitude in points:
        RealEstateFactory(latitude=Decimal(latitude), longitude=Decimal(longitude))

    assert export(*args) == api_export(manager_client, query)


def test_a_filter_option_followed_by_another_option_still_lacks_its_value() -> None:
    with pytest.raises(CommandError, match="--near: expected one argument"):
        export("--near", "--radius-km", "5")


def test_csv_file_has_a_header_then_one_row_per_real_estate(
    estates: list[RealEstate], tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    err = io.StringIO()

    call_command("export_real_estates", "--output", str(target), stderr=err)

    lines = target.read_bytes().split(b"\r\n")
    assert lines[0].startswith(b"id,title,kind,purpose,status,price")
    assert len([line for line in lines[1:] if line]) == len(estates)
    assert "'=HYPERLINK" in target.read_text(encoding="utf-8")  # formulas defused, as in the API
    assert f"Wrote {len(estates)} real estates" in err.getvalue()


def test_jsonl_lines_are_the_list_items_the_api_renders(
    estates: list[RealEstate], manager_client: APIClient
) -> None:
    lines = export("--format", "jsonl", "--ordering=-price").splitlines()

    items = [json.loads(line) for line in lines]
    api = manager_client.get("/api/v1/real-estates?ordering=-price&page_size=100").json()["results"]
    assert items == api
    assert items[-1]["collected_by"] is None or items[-1]["collected_by"]["name"]


def test_an_empty_selection_is_a_header_only_csv_and_an_empty_jsonl(estates: list[RealEstate]) -> None:
    assert export("--city", "Atlântida").count("\n") == 1
    assert export("--format", "jsonl", "--city", "Atlântida") == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "sold"], "--status"),
        (["--state", "XX"], "--state"),
        (["--min-price", "cheap"], "--min-price"),
        (["--created-after", "yesterday"], "--created-after"),
        (["--ordering", "title"], "--ordering"),
    ],
)
def test_bad_filters_are_refused_naming_the_option(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=f"Invalid filter: {message}"):
        export(*args)


def test_an_unwritable_output_is_a_clean_error(estates: list[RealEstate], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot write"):
        export("--output", str(tmp_path / "missing-dir" / "out.csv"))


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    estates: list[RealEstate], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("export_real_estates", "--output", str(tmp_path / "o.csv"), "-v", "0")

    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal(
    estates: list[RealEstate], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    call_command("export_real_estates", "--output", str(tmp_path / "o.csv"), "-v", "0")

    assert f"{len(estates) + 1}/{len(estates) + 1}" in terminal.getvalue()


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_goes_away_ends_the_export_quietly(estates: list[RealEstate]) -> None:
    call_command("export_real_estates", stdout=_ClosedPipe(), stderr=io.StringIO())  # no exception


def test_a_device_that_refuses_the_writes_is_a_clean_error(estates: list[RealEstate]) -> None:
    """`-o /dev/full`: the open succeeds, the writes fail (no space left)."""
    with pytest.raises(CommandError, match="Cannot write /dev/full"):
        export("--output", "/dev/full")


# A full disk, in a process of its own (a file size limit would break this one's logs): files may
# grow to 200 bytes, less than the export, so its writes fail half-way. Everything the command
# imports is imported before the limit, and the process writes no bytecode: a .pyc written under
# the limit would be cut short, for every later run of the shared interpreter.
EXPORT_ON_A_FULL_DISK = """
import os, resource, signal, sys
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from apps.real_estates.management.commands import export_real_estates  # before the limit
from tests.real_estates.factories import RealEstateFactory
RealEstateFactory.create_batch(5)
target, new = sys.argv[-2:]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, resource.RLIM_INFINITY))
for path in (target, new):
    try:
        call_command("export_real_estates", "--output", path)
    except CommandError as exc:
        print("refused:", exc)
"""


def test_an_export_that_fails_half_way_leaves_the_previous_file_and_no_partial_one(tmp_path: Path) -> None:
    (exports := tmp_path / "exports").mkdir()
    target = exports / "sp.csv"
    target.write_text("yesterday's export\n")
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0

    done = run_on_sqlite(
        tmp_path,
        "-c",
        _shell(EXPORT_ON_A_FULL_DISK),
        str(target),
        str(exports / "new.csv"),
        PYTHONDONTWRITEBYTECODE="1",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("refused: Cannot write") == 2, done.stdout
    assert target.read_text() == "yesterday's export\n"
    assert [p.name for p in exports.iterdir()] == ["sp.csv"]


def _shell(code: str) -> str:
    """`code` run as `manage.py shell` would: Django set up first (arguments stay in sys.argv)."""
    return "import django; django.setup()\n" + code


def test_the_file_written_has_the_usual_permissions(estates: list[RealEstate], tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    export("--output", str(tmp_path / "o.csv"))

    assert (tmp_path / "o.csv").stat().st_mode & 0o777 == 0o666 & ~umask


def test_to_storage_with_the_bucket_unreachable_is_a_clean_error(
    estates: list[RealEstate], settings: Any, s3_endpoint: str
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE: File storage"):
        export("--to-storage")


def test_enqueue_in_process_with_the_bucket_unreachable_is_a_clean_error(
    estates: list[RealEstate], settings: Any, s3_endpoint: str
) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        export("--enqueue")


TO_STORAGE_ON_A_FULL_DISK = """
import resource, signal
from django.core.management import CommandError, call_command
from apps.real_estates.management.commands import export_real_estates  # before the limit
from tests.real_estates.factories import RealEstateFactory
RealEstateFactory.create_batch(5)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, resource.RLIM_INFINITY))
for option in ("--to-storage", "--enqueue"):
    try:
        call_command("export_real_estates", option)
    except CommandError as exc:
        print("refused:", exc)
"""


def test_to_storage_with_the_disk_full_is_a_clean_error(tmp_path: Path) -> None:
    """The CSV is written to a temporary file before it takes its key (docs/adr/0093): a full
    disk failed that write with a traceback (an OSError), where storage's own failures are a
    CommandError."""
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0

    done = run_on_sqlite(tmp_path, "-c", _shell(TO_STORAGE_ON_A_FULL_DISK), PYTHONDONTWRITEBYTECODE="1")

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("refused: STORAGE_UNAVAILABLE") == 2, done.stdout


EXPORT_WHILE_WRITING_ON_SQLITE = """
import sqlite3
from django.conf import settings
from apps.real_estates.export import csv_lines
from apps.real_estates.models import RealEstate
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite
RealEstateFactory.create_batch(3)
lines = iter(csv_lines(RealEstate.objects.with_listing_data()))
next(lines), next(lines)  # the export is under way: its cursor open, rows still to come
other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=0.5)  # another process's write
try:
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    print("written")
except sqlite3.OperationalError as exc:
    print(exc)
print(len(list(lines)))
"""


def test_an_export_on_sqlite_does_not_hold_the_write_lock(tmp_path: Path) -> None:
    """The embedded default opens every transaction IMMEDIATE (the write lock): the export read
    its rows in one, so every write of the API's other processes waited for the whole export,
    and failed `database is locked` past the busy timeout."""
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0
    done = run_on_sqlite(tmp_path, "manage.py", "shell", "-c", EXPORT_WHILE_WRITING_ON_SQLITE)

    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["written", "2"]


def test_an_output_through_a_link_to_a_pipe_is_written_directly(
    estates: list[RealEstate], tmp_path: Path
) -> None:
    """`-o /proc/self/fd/1` and the like: a link to a pipe, not a file to replace beside it."""
    read_end, write_end = os.pipe()
    (tmp_path / "out").symlink_to(f"/proc/self/fd/{write_end}")
    try:
        export("--output", str(tmp_path / "out"))
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            assert pipe.read().count("\n") == len(estates) + 1
    finally:
        with contextlib.suppress(OSError):
            os.close(write_end)


def _cursors() -> list[tuple[str, bool]]:
    """This connection's open cursors (PostgreSQL's `pg_cursors`): name, and whether `WITH HOLD`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, is_holdable FROM pg_cursors")
        return [(name, holdable) for name, holdable in cursor.fetchall()]


class _Watching(io.StringIO):
    """stdout that, at the first line, notes the connection's cursors and then takes from the
    export's cursor whatever the command has not fetched yet (`MOVE ... ALL` answers how many
    rows that was): the rows the command holds are the rows it prints after that."""

    def __init__(self) -> None:
        super().__init__()
        self.cursors: list[tuple[str, bool]] | None = None
        self.unfetched: int | None = None

    def write(self, text: str) -> int:
        if self.cursors is None:
            self.cursors = _cursors()
            with connection.cursor() as cursor:
                for name, _ in self.cursors:
                    cursor.execute(f'MOVE FORWARD ALL IN "{name}"')
                    self.unfetched = cursor.rowcount
        return super().write(text)


@pytest.mark.django_db(transaction=True)
def test_jsonl_rows_come_in_chunks_from_a_cursor_read_as_they_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the CSV (docs/adr/0055): outside a transaction, as a command runs (autocommit),
    Django's server-side cursor would be `WITH HOLD`, and PostgreSQL would compute the whole
    result before the first row."""
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 2)
    RealEstateFactory.create_batch(5)
    assert connection.get_autocommit()
    selects: list[bool] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if 'FROM "real_estates_realestate"' in sql:
            selects.append(transaction.get_autocommit())
        return execute(sql, params, many, context)

    out = _Watching()
    with connection.execute_wrapper(record):
        call_command("export_real_estates", "--format", "jsonl", stdout=out, stderr=io.StringIO())

    assert selects == [False]  # one SELECT of the rows, inside a transaction
    assert out.cursors is not None
    assert [holdable for _, holdable in out.cursors] == [False]  # a server-side cursor, not WITH HOLD
    # At the first line the command held one chunk (2 rows); PostgreSQL had the 3 others.
    assert out.unfetched == 3
    assert len(out.getvalue().splitlines()) == 2
    assert connection.get_autocommit()  # the transaction ended with the export
    assert _cursors() == []
