"""A collector's rows newest first, read from the index alone (docs/adr/0080, third addendum).

`re_collector_created_idx` was (collected_by, -created_at): a collector's sync page of 500 read
the index, then one table row per item (~500 heap pages, about half of the page's PostgreSQL
time), then sorted ties on `id`. It becomes (collected_by, -created_at, -id), so the sync's and
the list's order (`-created_at`, `-id`) is the index's and a cursor's bound is exact; on
PostgreSQL it also INCLUDEs the other columns a sync page and a list item read (non-key
columns), so a collector's page is an index-only scan. It stays the foreign key's index.

Replaced in place, not added beside: one index on the table instead of two, so a write pays for
one (wider) entry. The keys, what the model state declares, are the same on every backend;
SQLite has no covering indexes, so there the index is the model's.
"""

from django.db import migrations, models

TABLE = "real_estates_realestate"
NAME = "re_collector_created_idx"
# `feed.SYNC_COLUMNS` and `LISTING_COLUMNS` not already keys (a plan test keeps the scan index-only).
COVERED = (
    "title, kind, purpose, status, price, area_m2, bedrooms, city, state, collected_by_name, "
    "photo_count, cover_key, updated_at, version"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON {TABLE} (collected_by_id, created_at DESC, id DESC) INCLUDE ({COVERED})"
        )
        return
    model = apps.get_model("real_estates", "RealEstate")
    schema_editor.remove_index(model, models.Index(fields=["collected_by", "-created_at"], name=NAME))
    schema_editor.add_index(model, models.Index(fields=["collected_by", "-created_at", "-id"], name=NAME))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(f"CREATE INDEX {NAME} ON {TABLE} (collected_by_id, created_at DESC)")
        return
    model = apps.get_model("real_estates", "RealEstate")
    schema_editor.remove_index(model, models.Index(fields=["collected_by", "-created_at", "-id"], name=NAME))
    schema_editor.add_index(model, models.Index(fields=["collected_by", "-created_at"], name=NAME))


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0011_stats_price_per_m2"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="realestate", name=NAME),
                migrations.AddIndex(
                    model_name="realestate",
                    index=models.Index(fields=["collected_by", "-created_at", "-id"], name=NAME),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
