"""The boundary-value sweep (`test_boundary_values`) on the embedded default database, SQLite.

`make run` serves SQLite, whose adapter and functions answer some values differently from
PostgreSQL's (a datetime before year 1 in UTC overflowed its adapter, a 500 only there). The
suite runs on PostgreSQL, so this test runs the sweep's module again in a pytest of its own with
`DATABASE_URL=sqlite:///…` (its test database in memory), as `test_nearby` runs its SQLite check:
every operation, every value, below 500 and in the error envelope there too.
"""

from pathlib import Path

from tests.contract import test_boundary_values as sweep
from tests.sqlite import run_on_sqlite

SWEEP = "tests/contract/test_boundary_values.py"


def test_the_boundary_value_sweep_passes_on_sqlite(tmp_path: Path) -> None:
    done = run_on_sqlite(tmp_path, "-m", "pytest", SWEEP, "-q", "--no-cov", "-p", "no:randomly", "--tb=short")
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    cases = len(list(sweep.cases())) + 2  # and its two tests of the sweep itself
    assert done.stdout.splitlines()[-1].startswith(f"{cases} passed"), done.stdout[-2000:]
