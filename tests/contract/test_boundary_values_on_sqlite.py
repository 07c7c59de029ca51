"""The boundary-value sweep (`test_boundary_values`) on the embedded default database, SQLite.

`make run` serves SQLite, whose adapter and functions answer some values differently from
PostgreSQL's (a datetime before year 1 in UTC overflowed its adapter, a 500 only there). The
suite runs on PostgreSQL, so this test runs the sweep's module again in a pytest of its own with
`DATABASE_URL=sqlite:///…` (its test database in memory), as `test_nearby` runs its SQLite check:
every operation, every value, below 500 and in the error envelope there too.
"""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.contract import test_boundary_values as sweep

SWEEP = "tests/contract/test_boundary_values.py"


def test_the_boundary_value_sweep_passes_on_sqlite(tmp_path: Path) -> None:
    env = {  # no REDIS_URL: the embedded default's cache is a table of the same database
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and pytest
        [sys.executable, "-m", "pytest", SWEEP, "-q", "--no-cov", "-p", "no:randomly", "--tb=short"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    cases = len(list(sweep.cases())) + 2  # and its two tests of the sweep itself
    assert done.stdout.splitlines()[-1].startswith(f"{cases} passed"), done.stdout[-2000:]
