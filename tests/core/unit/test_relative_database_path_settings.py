"""A SQLite database named by a relative path is the project's file, whatever directory a
process starts in: `DATABASE_URL=sqlite:///var/db.sqlite3`, the README's default as written."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

NAME = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['NAME'])"
)


def _name_from(cwd: Path, url: str) -> str:
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": url,
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", NAME], cwd=cwd, env=environ, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_relative_sqlite_path_is_read_from_the_project_not_the_working_directory(tmp_path: Path) -> None:
    # Read from the working directory: a cron job or a worker started elsewhere opened (or made)
    # another, empty database, and failed on its missing tables.
    assert _name_from(tmp_path, "sqlite:///var/db.sqlite3") == str(settings.BASE_DIR / "var" / "db.sqlite3")


def test_an_absolute_sqlite_path_and_an_in_memory_database_are_kept(tmp_path: Path) -> None:
    assert _name_from(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}") == str(tmp_path / "x.sqlite3")
    assert _name_from(tmp_path, "sqlite://:memory:") == ":memory:"
