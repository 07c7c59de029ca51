"""`manage.py seed_demo` at small sizes: every role, every status with history, deterministic."""

import io
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from apps.media import storage
from apps.media.models import Blob, Photo, ThumbnailState
from apps.real_estates.management.commands.seed_demo import (
    BULK_TABLES,
    DEMO_PASSWORD,
    RowWriter,
    built_after_load,
)
from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.real_estates.search import build_search_text
from apps.real_estates.seeding import demo_images
from apps.users.cpf import format_cpf, is_valid_cpf
from apps.users.models import Role, User
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    users = list(User.objects.order_by("cpf").values_list("id", "cpf", "name", "role", "email"))
    estates = list(
        RealEstate.objects.order_by("id").values_list(
            "id", "title", "price", "area_m2", "status", "city", "zip_code", "collected_by", "reviewed_by",
            "created_at", "search_text",
        )
    )  # fmt: skip
    history = list(
        RealEstateTransition.objects.order_by("real_estate_id", "at").values_list(
            "real_estate_id", "from_status", "to_status", "actor", "at", "reason"
        )
    )
    return users, estates, history


def test_it_creates_users_of_every_role_and_prints_their_accounts() -> None:
    output = seed("--users", "12", "--real-estates", "0", "--seed", "1")

    users = list(User.objects.all())
    assert len(users) == 12
    assert {u.role for u in users} == set(Role.values)
    assert all(is_valid_cpf(u.cpf) for u in users)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    assert DEMO_PASSWORD in output
    for user in users:
        assert format_cpf(user.cpf) in output
        assert user.name in output


def test_real_estates_cover_every_status_with_matching_history() -> None:
    seed("--users", "10", "--real-estates", "400", "--seed", "7", "--batch-size", "64")

    assert RealEstate.objects.count() == 400
    assert set(RealEstate.objects.values_list("status", flat=True)) == set(Status.values)
    history: dict[object, list[RealEstateTransition]] = {}
    for step in RealEstateTransition.objects.select_related("actor").order_by("at", "id"):
        history.setdefault(step.real_estate_id, []).append(step)
    for estate in RealEstate.objects.select_related("collected_by", "reviewed_by"):
        steps = history.get(estate.pk, [])
        path = [(s.from_status, s.to_status) for s in steps]
        assert (path[-1][1] if path else Status.DRAFT) == estate.status
        assert estate.version == 1 + len(steps)
        assert estate.collected_by is not None
        assert estate.collected_by.role == Role.COLLECTOR
        assert estate.collected_by_name == estate.collected_by.name
        for step in steps:
            if step.to_status in (Status.SUBMITTED, Status.DRAFT):
                assert step.actor == estate.collected_by
            else:
                assert step.actor is not None
                assert step.actor.role in (Role.MANAGER, Role.ADMIN)
        reviewed = any(s.to_status in (Status.APPROVED, Status.REJECTED) for s in steps)
        assert (estate.reviewed_by is not None) == reviewed == (estate.reviewed_at is not None)
        if estate.status == Status.REJECTED:
            assert estate.rejection_reason == steps[-1].reason != ""
        assert estate.search_text == build_search_text(
            estate.title, estate.description, estate.street, estate.neighborhood, estate.city
        )
        photos = list(estate.photos.select_related("blob").order_by("position"))
        assert estate.photo_count == len(photos)
        if steps:  # ever submitted: the services require a photo for that
            assert photos, f"{estate.status} real estate without a photo"
        if photos:
            assert [p.position for p in photos] == list(range(len(photos)))
            assert estate.cover_blob_id == photos[0].blob_id
            assert estate.cover_key == photos[0].blob.thumbnail_256_key != ""
        else:
            assert (estate.cover_blob_id, estate.cover_key) == (None, None)


def test_demo_photos_are_real_images_stored_once_with_their_thumbnails() -> None:
    seed("--users", "4", "--real-estates", "80", "--seed", "5", "-v", "0")
    seed("--users", "4", "--real-estates", "80", "--seed", "6", "-v", "0")

    blobs = list(Blob.objects.all())
    assert len(blobs) == len(demo_images())  # shared by content address across runs
    for blob in blobs:
        assert blob.thumbnail_state == ThumbnailState.READY
        with Image.open(io.BytesIO(storage.read_object(blob.key))) as image:
            assert image.size == (blob.width, blob.height) == (640, 480)
        assert storage.object_exists(blob.thumbnail_256_key)
    assert Photo.objects.count() == sum(RealEstate.objects.values_list("photo_count", flat=True))


def test_photos_every_gives_every_real_estate_one_to_three_photos_with_its_cover() -> None:
    seed("--users", "5", "--real-estates", "120", "--seed", "9", "--photos", "every", "-v", "0")

    estates = list(RealEstate.objects.all())
    assert {e.status for e in estates} == set(Status.values)  # drafts never submitted included
    for estate in estates:
        photos = list(estate.photos.select_related("blob").order_by("position"))
        assert 1 <= len(photos) == estate.photo_count <= 3
        assert estate.cover_blob_id == photos[0].blob_id
        assert estate.cover_key == photos[0].blob.thumbnail_256_key != ""
    assert Blob.objects.count() == len(demo_images())


def index_definitions() -> set[tuple[str, str]]:
    """The three tables' indexes and constraints (foreign keys included), as PostgreSQL states them."""
    tables = [m._meta.db_table for m in (RealEstate, RealEstateTransition, Photo)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables])
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        return indexes | set(cursor.fetchall())


def test_a_bulk_load_builds_the_indexes_again_as_they_were() -> None:
    before = index_definitions()
    assert any("gin_trgm_ops" in definition for _, definition in before)
    assert any(definition.startswith("FOREIGN KEY") for _, definition in before)

    seed("--users", "4", "--real-estates", "150", "--seed", "11", "--rebuild-indexes", "-v", "0")

    assert index_definitions() == before
    assert RealEstate.objects.count() == 150
    assert (
        RealEstate.objects.search("apartamento").exists()
        == RealEstate.objects.filter(search_text__contains="apartamento").exists()
    )


def test_a_failed_bulk_load_leaves_the_indexes_in_place() -> None:
    before = index_definitions()

    def load_that_fails() -> None:
        with transaction.atomic(), built_after_load(BULK_TABLES):
            assert index_definitions() < before  # dropped meanwhile
            raise RuntimeError

    with pytest.raises(RuntimeError):
        load_that_fails()

    assert index_definitions() == before


def test_the_same_seed_gives_the_same_data_all_day_long() -> None:
    # Its times are relative to midnight today: a run at the start of the day and one at its
    # end (not two runs that happen to straddle midnight) make the same rows.
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    with time_machine.travel(midnight + timedelta(seconds=1), tick=False):
        seed("--users", "5", "--real-estates", "60", "--seed", "42", "-v", "0")
    first = snapshot()
    RealEstate.objects.all().delete()
    User.objects.all().delete()

    with time_machine.travel(midnight + timedelta(days=1, microseconds=-1), tick=False):
        seed("--users", "5", "--real-estates", "60", "--seed", "42", "-v", "0")

    assert snapshot() == first


def test_running_again_with_the_same_seed_fails_cleanly_and_writes_nothing() -> None:
    seed("--users", "4", "--real-estates", "30", "--seed", "3", "-v", "0")

    with pytest.raises(CommandError, match="already holds rows made with this --seed"):
        seed("--users", "4", "--real-estates", "30", "--seed", "3", "-v", "0")

    assert User.objects.count() == 4
    assert RealEstate.objects.count() == 30


def test_another_seed_adds_to_an_existing_database() -> None:
    UserFactory()
    seed("--users", "4", "--real-estates", "20", "--seed", "1", "-v", "0")
    seed("--users", "4", "--real-estates", "20", "-v", "0")  # no seed: random

    assert User.objects.count() == 9
    assert RealEstate.objects.count() == 40


def test_two_accounts_drawn_with_the_same_email_do_not_fail_the_run() -> None:
    """Seed 231 draws two of its 800 accounts with the same first and last names and the same last
    four CPF digits, so the same address: the second goes without one (an e-mail is optional)
    instead of the run failing as if the database held this seed's rows."""
    seed("--users", "800", "--real-estates", "0", "--seed", "231", "-v", "0")

    emails = [e.lower() for e in User.objects.exclude(email=None).values_list("email", flat=True)]
    assert User.objects.count() == 800
    assert len(emails) == len(set(emails)) == 799


def test_an_email_another_account_has_in_another_case_is_left_out() -> None:
    seed("--users", "3", "--real-estates", "0", "--seed", "5", "-v", "0")
    drawn = dict(User.objects.values_list("cpf", "email"))
    User.objects.all().delete()  # an empty database again, but for one account made since:
    taken = sorted(drawn.values())[0]
    UserFactory(email=taken.upper())

    seed("--users", "3", "--real-estates", "0", "--seed", "5", "-v", "0")

    seeded = dict(User.objects.filter(cpf__in=drawn).values_list("cpf", "email"))
    assert seeded == {cpf: (None if email == taken else email) for cpf, email in drawn.items()}


def test_quiet_runs_print_nothing() -> None:
    assert seed("--users", "3", "--real-estates", "5", "-v", "0") == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "2"], "--users must be at least 3"),
        (["--real-estates", "-1"], "--real-estates must be >= 0"),
        (["--batch-size", "0"], "--batch-size >= 1"),
    ],
)
def test_it_refuses_sizes_it_cannot_honour(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not User.objects.exists()


def test_the_insert_fallback_writes_the_same_rows_as_copy() -> None:
    collector = UserFactory()
    row = {
        "title": "Casa em Moema", "kind": "house", "purpose": "sale", "price": "500000.00",
        "area_m2": "120.00",
        "zip_code": "04077000", "street": "Rua Canário", "city": "São Paulo", "state": "SP",
        "collected_by_id": collector.pk,
    }  # fmt: skip

    RowWriter(RealEstate, copy=False).write([{**row, "title": "Casa A"}, {**row, "title": "Casa B"}])
    RowWriter(RealEstate, copy=True).write([{**row, "title": "Casa C"}, {**row, "title": "Casa D"}])

    rows = {r.title: r for r in RealEstate.objects.all()}
    assert len({r.pk for r in rows.values()}) == 4  # the UUID default runs for every row, both paths
    a, c = rows["Casa A"], rows["Casa C"]
    assert (a.status, a.version, a.photo_count, a.price, a.latitude) == (
        c.status, c.version, c.photo_count, c.price, c.latitude,
    )  # fmt: skip


def test_the_storage_unreachable_is_a_clean_error_and_writes_no_rows(settings: Any, s3_endpoint: str) -> None:
    from tests.storage_backends import use_s3

    use_s3(settings, s3_endpoint)
    settings.STORAGES["default"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"

    with pytest.raises(CommandError, match="STORAGE_UNAVAILABLE"):
        seed("--users", "3", "--real-estates", "5")

    assert not User.objects.exists()
    assert not RealEstate.objects.exists()
