"""Container health probe: GET a path on the local app with a Host that ALLOWED_HOSTS accepts.

    python docker/healthcheck.py [/health/live]

Exits 0 on HTTP 200, 1 otherwise. Only the standard library: the runtime image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/health/live"
    host = (
        os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip().lstrip(".") or "localhost"
    )
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - loopback only
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
