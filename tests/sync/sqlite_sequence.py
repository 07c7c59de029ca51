"""The sync on SQLite (the embedded default), run by test_sqlite.py in a subprocess.

`python -m tests.sync.sqlite_sequence` with DJANGO_SETTINGS_MODULE=config.settings.local and
DATABASE_URL pointing at an empty SQLite file: migrates, writes through the services, syncs
through the feed, and exits non-zero (an AssertionError) when the replica differs.
"""

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.real_estates import services
    from apps.real_estates.models import RealEstate
    from apps.sync import feed
    from apps.sync.api.serializers import render_changes
    from apps.sync.models import RealEstateChange
    from apps.users.models import Role, User
    from tests.sync.helpers import fields

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0)
    ana = User.objects.create_user(cpf="52998224725", name="Ana Lima", password="x" * 12, role=Role.COLLECTOR)
    manager = User.objects.create_user(
        cpf="11144477735", name="Gil Souza", password="x" * 12, role=Role.MANAGER
    )
    replica: dict[str, int] = {}

    def drain(cursor: str | None) -> str:
        for _ in range(100):
            page = feed.sync_page(user=manager, cursor=cursor, limit=2)
            for row in render_changes(page.results):
                if row.get("deleted"):
                    replica.pop(str(row["id"]), None)
                else:
                    replica[str(row["id"])] = row["version"]
            cursor = page.next_cursor
            if not page.has_more:
                return cursor
        raise AssertionError("the sync never ended")

    first = services.real_estate_create(actor=ana, fields=fields())
    second = services.real_estate_create(actor=ana, fields=fields())
    # Two of them created in the same microsecond: the table read pages by (created_at, id).
    tied = [services.real_estate_create(actor=ana, fields=fields()) for _ in range(3)]
    RealEstate.objects.filter(pk__in=[r.pk for r in tied]).update(created_at=tied[0].created_at)
    cursor = drain(None)
    assert set(replica) == {str(first.pk), str(second.pk), *(str(r.pk) for r in tied)}
    services.real_estate_update(real_estate=first, actor=ana, fields={"bedrooms": 5})
    services.real_estate_delete(real_estate=second, actor=manager)
    third = services.real_estate_create(actor=ana, fields=fields())
    page = feed.sync_page(user=manager, cursor=cursor, limit=10)
    results = render_changes(page.results)
    assert [(str(r["id"]), bool(r.get("deleted"))) for r in results] == [
        (str(first.pk), False),
        (str(second.pk), True),
        (str(third.pk), False),
    ], results
    cursor = drain(cursor)
    assert feed.sync_page(user=manager, cursor=cursor, limit=10).results == []
    expected = {str(pk): version for pk, version in RealEstate.objects.values_list("pk", "version")}
    assert replica == expected, (replica, expected)
    assert set(RealEstateChange.objects.values_list("xid", flat=True)) == {0}
    print("sqlite sync ok")  # noqa: T201 - what the test reads


if __name__ == "__main__":
    main()
