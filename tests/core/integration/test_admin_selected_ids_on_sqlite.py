"""`test_admin_selected_ids` on the embedded default database, SQLite, where a ticked blob id past
SQLite's integer range failed the action with an OverflowError (a 500). The suite runs on
PostgreSQL, so the module runs again in a pytest of its own."""

from pathlib import Path

from tests.sqlite import run_on_sqlite

MODULE = "tests/core/integration/test_admin_selected_ids.py"


def test_an_action_on_a_crafted_id_is_a_400_on_sqlite(tmp_path: Path) -> None:
    done = run_on_sqlite(
        tmp_path, "-m", "pytest", MODULE, "-q", "--no-cov", "-p", "no:randomly", "--tb=short"
    )
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    assert done.stdout.splitlines()[-1].startswith("7 passed in"), done.stdout[-2000:]
