"""Photo writes and the collector from several processes on one SQLite file (the embedded default
`make run` serves: IMMEDIATE transactions instead of row and key locks, thumbnails in-process).
Run by integration/test_photo_races_on_sqlite.py in a subprocess on its own SQLite file and
media directory (the suite itself runs on PostgreSQL).

`python -m tests.media.sqlite_photo_races` with DJANGO_SETTINGS_MODULE=config.settings.local
and DATABASE_URL pointing at an empty SQLite file: migrates, creates a draft, starts uploader,
deleter and collector processes (`worker <role> <seed>`, not scenarios) on it and exits non-zero
(an AssertionError) when a promise broke; prints "sqlite photo races ok" otherwise.
"""

import contextlib
import io
import os
import random
import subprocess
import sys
from typing import Any

import django

UPLOADERS = 3
UPLOADS = 20  # each; 60 uploads of 60 images, many the same bytes as another process's, on a limit of 30
IMAGES = 60
DELETES = 12
COLLECTIONS = 8


def _actors() -> tuple[Any, Any]:
    from apps.real_estates.models import RealEstate
    from apps.users.models import User

    return User.objects.get(), RealEstate.objects.get()


def uploader(seed: int) -> None:
    from apps.core import errors
    from apps.media import services
    from tests.media.factories import png

    collector, real_estate = _actors()
    rng = random.Random(seed)
    for _ in range(UPLOADS):
        with contextlib.suppress(errors.PhotoLimitReached):
            services.photo_upload(
                real_estate=real_estate, actor=collector, file=io.BytesIO(png(rng.randrange(IMAGES)))
            )


def deleter(seed: int) -> None:
    from apps.core import errors
    from apps.media import services
    from apps.media.models import Photo

    collector, real_estate = _actors()
    rng = random.Random(seed)
    for _ in range(DELETES):
        photos = list(Photo.objects.filter(real_estate=real_estate))
        if photos:
            with contextlib.suppress(errors.PhotoNotFound):
                services.photo_delete(photo=rng.choice(photos), actor=collector)


def collector(seed: int) -> None:
    from datetime import timedelta

    from apps.media import services

    for _ in range(COLLECTIONS):
        services.media_gc(grace=timedelta(0))  # no grace: every blob a deletion left is taken at once


def scenario() -> None:
    from apps.media import storage
    from apps.media.models import Blob, Photo, ThumbnailState
    from apps.real_estates.models import RealEstate
    from apps.users.models import Role, User
    from tests.real_estates.factories import RealEstateFactory

    owner = User.objects.create_user(
        cpf="52998224725", name="Ana Lima", password="x" * 12, role=Role.COLLECTOR
    )
    RealEstateFactory(collected_by=owner)
    roles = [*(("uploader", n) for n in range(UPLOADERS)), ("deleter", 0), ("collector", 0)]
    workers = [
        subprocess.Popen(  # noqa: S603 - this module, with a role and a number
            [sys.executable, "-m", "tests.media.sqlite_photo_races", "worker", role, str(seed)],
            env=os.environ,
        )
        for role, seed in roles
    ]
    assert [process.wait() for process in workers] == [0] * len(workers)

    real_estate = RealEstate.objects.get()
    photos = list(Photo.objects.of_real_estate(real_estate.pk).select_related("blob"))
    assert real_estate.photo_count == len(photos) <= 30, (real_estate.photo_count, len(photos))
    assert [p.position for p in photos] == list(range(len(photos)))
    first = photos[0].blob if photos else None
    assert real_estate.cover_blob_id == (first.pk if first else None)
    if first is not None and first.thumbnail_state == ThumbnailState.READY:
        assert real_estate.cover_key == first.thumbnail_256_key
    for blob in Blob.objects.all():  # no row names a missing object
        assert storage.object_exists(blob.key), blob.key
        if blob.thumbnail_state == ThumbnailState.READY:
            assert storage.object_exists(blob.thumbnail_256_key), blob.thumbnail_256_key
            assert storage.object_exists(blob.thumbnail_1024_key), blob.thumbnail_1024_key
    print(f"{len(photos)} photos, {Blob.objects.count()} blobs")  # noqa: T201 - for a reader of the log


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    assert connection.vendor == "sqlite"
    name, *args = sys.argv[1:] or ["scenario"]
    if name == "worker":
        role, seed = args
        globals()[role](int(seed))
        return
    call_command("migrate", verbosity=0)
    scenario()
    print("sqlite photo races ok")  # noqa: T201 - what the test reads


if __name__ == "__main__":
    main()
