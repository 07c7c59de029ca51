"""Nearby search (docs/adr/0081-nearby-search.md): the indexes behind `near` and `bbox`.

- Every backend: a btree on (latitude, longitude), what a `bbox` (and, off PostgreSQL, the
  latitude band of a `near`) is served by.
- PostgreSQL: the `cube` and `earthdistance` contrib extensions (both trusted: the database's
  owner may create them) and a GiST index on `ll_to_earth(latitude, longitude)`, what
  `earth_box(...) @> ll_to_earth(latitude, longitude)` in `RealEstateQuerySet.near` is served by.

Plain SQL, not model indexes: the GiST expression exists on PostgreSQL only, and the model
state (what `makemigrations` compares) is unchanged.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

TABLE = "real_estates_realestate"


def create_earth_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS re_earth_idx ON {TABLE} USING gist (ll_to_earth(latitude, longitude))"
        )


def drop_earth_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS re_earth_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("real_estates", "0006_listing_denormalised"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS re_lat_lng_idx ON {TABLE} (latitude, longitude)",
            "DROP INDEX IF EXISTS re_lat_lng_idx",
        ),
        # CreateExtension is a no-op on databases other than PostgreSQL.
        CreateExtension("cube"),
        CreateExtension("earthdistance"),
        migrations.RunPython(create_earth_index, drop_earth_index),
    ]
