"""The list's shapes with `q`, `near` and a status + state + area range (docs/adr/0057).

- `re_status_created_idx` gains `id` as its last key, so `status=… ordering=-created_at` (and the
  default order) is read in the list's exact order, `(-created_at, -id)`, with no sort.
- On PostgreSQL, `re_created_idx` and `re_status_created_idx` also INCLUDE `search_text`,
  `latitude` and `longitude` (non-key columns): the first step of a `q` or `near` page
  (`RealEstateQuerySet.page_ids`) can be an index-only scan that checks the words and the distance on
  the index tuples and stops after a page of ids, instead of reading a table row for every
  candidate. The keys, what the model state declares, are the same on every backend; SQLite has no
  covering indexes, so there the indexes are the model's.
- `re_status_state_area_idx` on (status, state, area_m2, id): `status`, `state`, an area range,
  ordered by area, scanned in order.
"""

from django.db import migrations, models

TABLE = "real_estates_realestate"
COVERED = "search_text, latitude, longitude"
COVERING = {
    "re_created_idx": "created_at DESC, id DESC",
    "re_status_created_idx": "status, created_at DESC, id DESC",
}
PLAIN_BEFORE = {
    "re_created_idx": "created_at DESC, id DESC",
    "re_status_created_idx": "status, created_at DESC",
}


def _rebuild(schema_editor, definitions, *, include: bool) -> None:
    for name, keys in definitions.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        suffix = f" INCLUDE ({COVERED})" if include else ""
        schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} ({keys}){suffix}")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, COVERING, include=True)
        return
    model = apps.get_model("real_estates", "RealEstate")
    schema_editor.remove_index(model, models.Index(fields=["status", "-created_at"], name="re_status_created_idx"))
    schema_editor.add_index(
        model, models.Index(fields=["status", "-created_at", "-id"], name="re_status_created_idx")
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, PLAIN_BEFORE, include=False)
        return
    model = apps.get_model("real_estates", "RealEstate")
    schema_editor.remove_index(
        model, models.Index(fields=["status", "-created_at", "-id"], name="re_status_created_idx")
    )
    schema_editor.add_index(model, models.Index(fields=["status", "-created_at"], name="re_status_created_idx"))


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0008_shape_indexes_without_status"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="realestate", name="re_status_created_idx"),
                migrations.AddIndex(
                    model_name="realestate",
                    index=models.Index(fields=["status", "-created_at", "-id"], name="re_status_created_idx"),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
        migrations.AddIndex(
            model_name="realestate",
            index=models.Index(fields=["status", "state", "area_m2", "id"], name="re_status_state_area_idx"),
        ),
    ]
