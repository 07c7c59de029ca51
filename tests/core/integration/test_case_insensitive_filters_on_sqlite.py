"""`test_case_insensitive_filters` on the embedded default database, SQLite.

SQLite's lower(), upper() and LIKE fold ASCII letters only; the filters fold the others through
functions registered on each connection (apps/core/unicode_case.py). The suite runs on
PostgreSQL, so this test runs that module again in a pytest of its own with
`DATABASE_URL=sqlite:///…` (as `test_boundary_values_on_sqlite` runs its sweep): the same
requests, the same answers as on PostgreSQL.
"""

from pathlib import Path

from tests.sqlite import run_on_sqlite

MODULE = "tests/core/integration/test_case_insensitive_filters.py"


def test_the_case_insensitive_filters_answer_on_sqlite_as_on_postgresql(tmp_path: Path) -> None:
    done = run_on_sqlite(
        tmp_path, "-m", "pytest", MODULE, "-q", "--no-cov", "-p", "no:randomly", "--tb=short"
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    # Every test of the module, none skipped (PostgreSQL's statements: test_case_insensitive_statements).
    assert done.stdout.splitlines()[-1].startswith("18 passed in"), done.stdout[-2000:]
