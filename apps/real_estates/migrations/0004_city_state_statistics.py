"""Tell PostgreSQL's planner that a city decides its state.

Without it the planner multiplies the selectivities of `lower(city) = …` and `state = …` as if
they were independent, underestimates a filtered list's rows 10× and AND-s a bitmap of
`re_state_created_idx` (17k rows for RJ) into `re_city_status_price_idx` before sorting,
instead of reading that index backwards and stopping after one page: 1–4 ms of execution
per filtered-list page instead of 0.2 ms (docs/performance-log.md). Functional-dependency and
MCV statistics on the pair fix the estimate; ANALYZE (or autovacuum) fills them in.
Statistics on an expression need PostgreSQL 14 or later (we run 15).
"""

from django.db import migrations

STATISTICS = "re_city_state_stats"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (`make run`) plans without them
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
        "ON (lower(city::text)), state FROM real_estates_realestate"
    )
    schema_editor.execute("ANALYZE real_estates_realestate")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0003_drop_redundant_city_index"),
    ]

    operations = [
        migrations.RunPython(create_statistics, drop_statistics),
    ]
