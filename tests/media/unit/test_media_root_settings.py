"""A relative MEDIA_ROOT is a directory of the project, whatever directory a process starts in:
the web server, a worker and a cron job started elsewhere store and find the same files."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PATH_OF_A_KEY = (
    "import django; django.setup(); from django.core.files.storage import storages; "
    "print(storages['default'].path('blobs/sha256/00/00/photo.jpg'))"
)


def test_a_relative_media_root_is_read_from_the_project_not_the_working_directory(tmp_path: Path) -> None:
    # Read from the working directory: a worker or `run_scheduled_tasks` started from another
    # directory wrote thumbnails, and looked for the photos, somewhere else.
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "MEDIA_ROOT": "var/media-x"}
    environ["PYTHONPATH"] = str(settings.BASE_DIR)
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", PATH_OF_A_KEY],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        settings.BASE_DIR / "var" / "media-x" / "blobs/sha256/00/00/photo.jpg"
    )
