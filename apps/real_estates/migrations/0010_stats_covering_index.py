"""The stats read from a covering index (docs/adr/0057), on PostgreSQL.

`/stats` groups every row in view by city, state, kind or status and averages their price and
price per m²: over a million rows that read the whole table (~850 MB) in about a second. This
index holds what the stats and the common filters read (status, kind, purpose, state as keys;
city, price, area_m2 and bedrooms as non-key columns), ~72 MB at 1M rows, so a stats query (and
the `COUNT(*)` of a list filtered on those columns) is a parallel index-only scan.

Plain SQL in a `RunPython` guarded by the vendor, not a model index: SQLite has no covering
indexes (Django warns about `include` there), and the model state stays as it was.
"""

from django.db import migrations

TABLE = "real_estates_realestate"
NAME = "re_stats_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON {TABLE} (status, kind, purpose, state) "
            "INCLUDE (city, price, area_m2, bedrooms)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0009_list_shape_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
