"""The price per m² stored, and carried by the stats' covering index, on PostgreSQL (docs/adr/0057,
second addendum).

`/stats` averages each row's price over its area in floating point. PostgreSQL 15 converts a
numeric to float8 through its text form, twice a row: at 1M rows that was half of a stats query's
CPU. `price_per_m2` is that same quotient as a stored generated column: the database computes it
on every INSERT and UPDATE, whichever path writes (services, admin, commands, bulk updates,
COPY), so no code maintains it. `re_stats_idx` (migration 0010) is built again with it among its
non-key columns, so a stats query still is one index-only scan and reads the quotient instead of
computing it; and with latitude and longitude, so the stats of a circle (`near`) test its box and
distance on the index's tuples instead of reading every row of the circle from the table
(`RealEstateFilterBackend`).

Plain SQL in a `RunPython` guarded by the vendor, as migration 0010: the model state does not
declare the column (Django's `GeneratedField` would need a live PostgreSQL for its system check,
which `check --deploy` runs without, and would add `RETURNING` to every write), so Django never
selects nor writes it; `stats_by` names it on PostgreSQL and computes the quotient elsewhere.
NULLIF: an area of 0 still fails `re_area_gt_0` rather than the division. Adding a stored
generated column rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock (3 min
15 s at 1M rows on the shared 2-core host): a deploy-time cost. A later type change of `price` or
`area_m2` must drop the column and put it back (PostgreSQL refuses to alter a column a generated
column uses).
"""

from django.db import migrations

TABLE = "real_estates_realestate"
COLUMN = "price_per_m2"
NAME = "re_stats_idx"
KEYS = "(status, kind, purpose, state)"


def add_price_per_m2(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {COLUMN} double precision GENERATED ALWAYS AS "
            "(price::double precision / NULLIF(area_m2::double precision, 0)) STORED"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON {TABLE} {KEYS} "
            f"INCLUDE (city, price, area_m2, bedrooms, {COLUMN}, latitude, longitude)"
        )


def drop_price_per_m2(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")
        schema_editor.execute(f"CREATE INDEX {NAME} ON {TABLE} {KEYS} INCLUDE (city, price, area_m2, bedrooms)")


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0010_stats_covering_index"),
    ]

    operations = [migrations.RunPython(add_price_per_m2, drop_price_per_m2)]
