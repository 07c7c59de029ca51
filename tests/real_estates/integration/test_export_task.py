"""The export job: the API's CSV, written to storage by a service, in-process and on a real worker."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from celery import Celery
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from apps.real_estates.export import EXPORT_PREFIX, export_key, real_estate_export_to_storage
from apps.real_estates.models import Kind, RealEstate
from apps.real_estates.tasks import export_real_estates
from tests.real_estates.factories import RealEstateFactory
from tests.sqlite import run_on_sqlite
from tests.worker import wait_result

URL = "/api/v1/real-estates/export"
FILTERS = {"city": "são paulo", "kind": "house", "ordering": "-price"}


def make_sample() -> list[RealEstate]:
    return [
        RealEstateFactory(city="São Paulo", state="SP", kind=Kind.HOUSE, price=Decimal("300000")),
        RealEstateFactory(city="São Paulo", state="SP", kind=Kind.HOUSE, price=Decimal("450000.50")),
        RealEstateFactory(city="São Paulo", state="SP", kind=Kind.APARTMENT),
        RealEstateFactory(city="Curitiba", state="PR", kind=Kind.HOUSE, title='=HYPERLINK("x")'),
    ]


def stored_text(key: str) -> str:
    with storages["default"].open(key, "rb") as file:
        data: bytes = file.read()
    return data.decode()


def api_text(client: APIClient, filters: dict[str, str]) -> str:
    response = client.get(URL, filters)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_the_service_writes_the_same_csv_as_the_api(manager_client: APIClient) -> None:
    sample = make_sample()

    key = real_estate_export_to_storage(filters=FILTERS)

    assert key.startswith(EXPORT_PREFIX)
    assert key.endswith(".csv")
    text = stored_text(key)
    assert text == api_text(manager_client, FILTERS)
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [str(sample[1].pk), str(sample[0].pk)]


@pytest.mark.django_db
def test_an_export_without_filters_has_every_real_estate_and_neutralises_formulas(
    manager_client: APIClient,
) -> None:
    make_sample()

    text = stored_text(real_estate_export_to_storage(filters={}))

    assert text == api_text(manager_client, {})
    assert len(text.splitlines()) == 5
    assert "'=HYPERLINK" in text


@pytest.mark.django_db
def test_a_rerun_with_the_same_id_rewrites_the_same_key() -> None:
    RealEstateFactory()
    first = real_estate_export_to_storage(filters={}, export_id="run-1")
    RealEstateFactory()

    second = real_estate_export_to_storage(filters={}, export_id="run-1")

    assert first == second == export_key("run-1")
    assert len(stored_text(second).splitlines()) == 3
    assert storages["default"].listdir("exports")[1] == ["run-1.csv"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [{"state": "XX"}, {"min_price": "lots"}, {"created_after": "yesterday"}, {"ordering": "title"}],
)
def test_invalid_filters_are_refused_before_anything_is_written(filters: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as raised:
        real_estate_export_to_storage(filters=filters)

    assert set(raised.value.detail) == set(filters)  # type: ignore[arg-type]
    assert not storages["default"].exists("exports")


@pytest.mark.django_db
def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xlsx"):
        real_estate_export_to_storage(filters={}, fmt="xlsx")


@pytest.mark.django_db
def test_the_task_runs_in_process_and_names_the_file_after_its_id(manager_client: APIClient) -> None:
    make_sample()

    result = export_real_estates.delay(filters=FILTERS)

    assert result.get() == export_key(result.id)
    assert stored_text(result.get()) == api_text(manager_client, FILTERS)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_the_export_to_storage(
    worker: Celery, use_worker_media: Path, manager_client: APIClient
) -> None:
    make_sample()

    result = worker.send_task("apps.real_estates.tasks.export_real_estates", kwargs={"filters": FILTERS})

    key = wait_result(result)
    assert key == export_key(result.id)
    assert (use_worker_media / key).is_file()  # written by the worker process
    assert stored_text(key) == api_text(manager_client, FILTERS)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_fails_an_export_with_invalid_filters_without_retrying(
    worker: Celery, use_worker_media: Path
) -> None:
    result = worker.send_task(
        "apps.real_estates.tasks.export_real_estates", kwargs={"filters": {"state": "XX"}}
    )

    with pytest.raises(Exception, match="state"):
        wait_result(result)
    assert not (use_worker_media / "exports").exists()


@pytest.mark.django_db
def test_the_command_prints_the_apis_csv(manager_client: APIClient) -> None:
    make_sample()
    out = io.StringIO()

    call_command(
        "export_real_estates", *(f"--{k.replace('_', '-')}={v}" for k, v in FILTERS.items()), stdout=out
    )

    assert out.getvalue() == api_text(manager_client, FILTERS)


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["--to-storage", "--enqueue"])
def test_the_command_writes_to_storage_or_enqueues(manager_client: APIClient, option: str) -> None:
    make_sample()
    out = io.StringIO()

    call_command("export_real_estates", option, "--kind", "house", stdout=out)

    printed = out.getvalue().strip()
    key = printed if option == "--to-storage" else export_key(printed)  # eager here: already written
    assert stored_text(key) == api_text(manager_client, {"kind": "house"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments", [["--state", "XX"], ["--enqueue", "--min-price", "x"], ["--to-storage", "--state", "XX"]]
)
def test_the_command_refuses_invalid_filters(arguments: list[str]) -> None:
    with pytest.raises(CommandError, match="Invalid filter"):
        call_command("export_real_estates", *arguments, stdout=io.StringIO())
    assert not storages["default"].exists("exports")


@pytest.mark.django_db
def test_the_command_writes_csv_only_to_storage() -> None:
    with pytest.raises(CommandError, match="CSV only"):
        call_command("export_real_estates", "--to-storage", "--format", "jsonl", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["--to-storage", "--enqueue"])
def test_the_command_refuses_an_output_file_it_would_not_write(option: str, tmp_path: Path) -> None:
    """The key (or task id) goes to stdout and the CSV to storage: `-o` was silently ignored."""
    with pytest.raises(CommandError, match="--output"):
        call_command("export_real_estates", option, "-o", str(tmp_path / "x.csv"), stdout=io.StringIO())
    assert not (tmp_path / "x.csv").exists()
    assert not storages["default"].exists("exports")


def test_enqueue_with_the_broker_down_is_a_clean_error(tmp_path: Path, closed_port: int) -> None:
    """`--enqueue` where a broker is configured but not answering: kombu's OperationalError was
    a traceback."""
    assert run_on_sqlite(tmp_path, "manage.py", "migrate", "-v", "0").returncode == 0
    closed = f"redis://127.0.0.1:{closed_port}/1"

    done = run_on_sqlite(tmp_path, "manage.py", "export_real_estates", "--enqueue", CELERY_BROKER_URL=closed)

    assert done.returncode == 1
    assert "CommandError: SERVICE_UNAVAILABLE: the task queue is unreachable" in done.stderr
    assert "Traceback" not in done.stderr
