"""SQL queries per request, by scenario: the instrumented pass of `make bench`.

Replays the first request of each scenario file through Django's test client (same
settings and database as the served app) inside CaptureQueriesContext. The first
call warms per-process caches; the second is counted. Prints JSON on stdout.
"""

import json
import sys
from typing import Any

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(client: Client, line: str, token: str | None) -> dict[str, Any]:
    method, path, *rest = line.rstrip("\n").split("\t")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    samples = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            if method == "POST":
                response = client.post(path, data=rest[0], content_type="application/json", headers=headers)
            else:
                response = client.get(path, headers=headers)
        samples.append((response.status_code, ctx.captured_queries))
    status, queries = samples[-1]
    return {
        "status": status,
        "queries": len(queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 2),
        "sql": [q["sql"][:300] for q in queries],
    }


def main(plan: dict[str, Any]) -> dict[str, Any]:
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for name, spec in plan.items():
        with open(spec["file"], encoding="utf-8") as fh:
            first = fh.readline()
        results[name] = measure(client, first, spec.get("token"))
    return results


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
