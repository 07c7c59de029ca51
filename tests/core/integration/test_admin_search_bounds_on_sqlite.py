"""`test_admin_search_bounds` on the embedded default database, SQLite, where a search of a
thousand words was answered 503 (SQLite refuses an expression that deep). The suite runs on
PostgreSQL, so the module runs again in a pytest of its own (as
`test_case_insensitive_filters_on_sqlite` does)."""

from pathlib import Path

from tests.sqlite import run_on_sqlite

MODULE = "tests/core/integration/test_admin_search_bounds.py"


def test_the_admins_search_bounds_hold_on_sqlite(tmp_path: Path) -> None:
    done = run_on_sqlite(
        tmp_path, "-m", "pytest", MODULE, "-q", "--no-cov", "-p", "no:randomly", "--tb=short"
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert done.stdout.splitlines()[-1].startswith("6 passed in"), done.stdout[-2000:]
