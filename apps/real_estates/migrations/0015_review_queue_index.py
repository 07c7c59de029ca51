"""The review queue in its order, from an index (docs/adr/0128).

The queue (the admin's list filtered on `submitted`, the dashboard's items waiting longest) is
sorted on each real estate's submission, longest waiting first. That time was a subquery on the
history per row, so a page sorted every submitted row: 4 s at 158k submitted of 1M. While a real
estate is submitted nothing writes it but the step that takes it out (fields and photos change
only in `draft` or `rejected`), so its `updated_at` is the moment it was submitted, written in the
same transaction as the transition; the queue sorts on that, and this index holds the queue in
that order.

Partial, `WHERE status = 'submitted'`: a new draft, an edit, a photo and a review write no entry
to it (their rows are not submitted); a submission writes one. Not in the model state, like the
covering indexes of 0009 to 0012 (the same SQL on both backends: SQLite has partial indexes).
"""

from django.db import migrations

TABLE = "real_estates_realestate"
NAME = "re_submitted_queue_idx"


def forwards(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON {TABLE} (updated_at, created_at, id DESC) WHERE status = 'submitted'"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0014_translatable_names"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
