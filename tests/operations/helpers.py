"""Running our `manage.py` as an operator does: in a process of its own, on a database of the test's
choosing."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings


def manage(
    tmp_path: Path, *args: str, database_url: str, settings_module: str = "config.settings.test", **env: str
) -> subprocess.CompletedProcess[str]:
    """`python manage.py *args` on `database_url`, with `env` added to a bare environment (media
    under `tmp_path`, nothing read from a terminal); it fails the test past two minutes."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            **env,
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
