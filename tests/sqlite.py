"""Code run on SQLite, the embedded default's database, in a process of its own: the suite runs on
PostgreSQL, and a process's Django has one default database. The process gets a fresh SQLite file
and media directory under `tmp_path` and nothing of this process's environment (no PostgreSQL,
no Redis: the embedded default's cache is a table of the same database)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def run_on_sqlite(
    tmp_path: Path, *args: str, settings_module: str = "config.settings.test", **env: str
) -> subprocess.CompletedProcess[str]:
    """`python *args` in the project's directory on its own SQLite database; `env` adds variables."""
    return subprocess.run(  # noqa: S603 - our own interpreter, manage.py or test modules
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
