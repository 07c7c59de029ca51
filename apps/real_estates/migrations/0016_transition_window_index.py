"""The review dashboard's month of workflow, from an index (docs/adr/0128).

The dashboard's activity per day and review times keep the transitions of the last 30 days into
`submitted` and out of it to a review; with no index on the time they read the whole history
(1.75M transitions at 1M real estates, growing with every step ever taken). This index holds the
transitions those figures count, in time order, with the columns they read: the month is a range
of it, the activity an index-only scan.

Partial, `WHERE to_status <> 'draft'`: a create writes no transition, and an edit or a photo
writes one only when it reopens a rejected real estate (to `draft`), which is not in it; a
submission, an approval, a rejection and an archiving write one entry. (`to_status IN
('submitted', 'approved', 'rejected')` would leave out the archivings too, but PostgreSQL does not
prove the figures' `to_status = 'submitted' OR (... AND to_status IN (...))` implies it, so reads
the whole history again; it proves `<> 'draft'`.) Not in the model state (as 0009 to 0012, 0015); SQLite has no INCLUDE, so there it is
the keys alone.
"""

from django.db import migrations

TABLE = "real_estates_realestatetransition"
NAME = "re_transition_window_idx"
PREDICATE = "to_status <> 'draft'"


def forwards(apps, schema_editor):
    include = " INCLUDE (from_status, to_status, real_estate_id)"
    if schema_editor.connection.vendor != "postgresql":
        include = ""
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {TABLE} (at){include} WHERE {PREDICATE}")


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("real_estates", "0015_review_queue_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
