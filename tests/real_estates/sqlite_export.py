"""The export on SQLite (the embedded default `make run` serves), run by
integration/test_export_stream.py in a subprocess on its own SQLite file (the suite itself runs on
PostgreSQL).

`python -m tests.real_estates.sqlite_export` with DJANGO_SETTINGS_MODULE=config.settings.local and
DATABASE_URL pointing at an empty SQLite file: migrates, starts a manager's export, and while the
export is mid-stream (a slow client, or a large one) writes from another connection, as another
`make run` worker would; exits non-zero (an AssertionError) when that write waits for the export.
"""

import threading
import time

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from rest_framework.test import APIClient

    from apps.real_estates import services
    from apps.real_estates.export import ROWS_PER_CHUNK
    from apps.users.models import Role, User

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0)
    call_command(
        "seed_demo", "--real-estates", str(ROWS_PER_CHUNK + 10), "--users", "3", "--seed", "1", verbosity=0
    )
    manager = User.objects.filter(role=Role.MANAGER).first()
    collector = User.objects.filter(role=Role.COLLECTOR).first()
    assert manager is not None
    assert collector is not None

    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(manager)
    response = client.get("/api/v1/real-estates/export")
    assert response.status_code == 200
    chunks = iter(response.streaming_content)
    next(chunks)  # the header
    next(chunks)  # the first rows: the export is reading, and waits for its client to take more

    outcome: list[object] = []

    def write() -> None:
        started = time.monotonic()
        try:
            services.real_estate_create(
                actor=collector,
                fields={
                    "title": "Casa nova", "kind": "house", "purpose": "sale", "price": 100, "area_m2": 50,
                    "zip_code": "01310100", "street": "Av. Paulista", "number": "1",
                    "neighborhood": "Bela Vista", "city": "São Paulo", "state": "SP",
                },
            )  # fmt: skip
            outcome.append(time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcome.append(exc)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()
    rest = list(chunks)
    assert isinstance(outcome[0], float), f"a write during an export: {outcome[0]!r}"
    assert outcome[0] < 2, f"a write during an export waited {outcome[0]:.1f} s"
    assert rest  # the export went on to its end
    print("sqlite export ok")  # noqa: T201 - what the test reads


if __name__ == "__main__":
    main()
