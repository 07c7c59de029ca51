"""`manage.py export_real_estates` stopped by SIGTERM (`kill`, `timeout`, a container stopping)
mid-export: the previous file (or export) stays as it was and no temporary is left beside it.
SIGTERM's default ended the process where it stood, so the hidden `.part` file beside `--output`
(a run's worth of rows) or the `.partial-` one under `exports/` stayed; Ctrl-C did clean up."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from apps.real_estates.models import RealEstate
from tests.threads import table_held
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def export_stopped_by_sigterm(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Runs the command against the test database while another session holds the real estates
    table, so it waits at its first row with its temporary file made; then SIGTERM."""
    db = connections["default"].settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    command = [sys.executable, "manage.py", "export_real_estates", *options]
    with table_held(RealEstate._meta.db_table, mode="ACCESS EXCLUSIVE", lock_timeout=None):
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for(lambda: any(p.name.startswith(".") for p in tmp_path.rglob("*")), "the temporary file")
            process.send_signal(signal.SIGTERM)
            stdout, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_an_export_to_a_file_stopped_by_sigterm_leaves_the_previous_file_and_no_partial_one(
    tmp_path: Path,
) -> None:
    target = tmp_path / "sp.csv"
    target.write_text("yesterday's export\n")

    done = export_stopped_by_sigterm(tmp_path, "--output", str(target))

    assert target.read_text() == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["sp.csv"]
    assert done.returncode == -signal.SIGTERM, done.stderr  # ended by the signal, as a shell sees it


def test_an_export_to_storage_stopped_by_sigterm_leaves_no_temporary(tmp_path: Path) -> None:
    done = export_stopped_by_sigterm(tmp_path, "--to-storage")

    assert list((tmp_path / "media" / "exports").iterdir()) == []
    assert done.returncode == -signal.SIGTERM, done.stderr
