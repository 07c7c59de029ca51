"""A body sent with `Transfer-Encoding: chunked` straight to `make run`'s server (no nginx in
front to buffer it) is read as sent: granian hands it over without a `CONTENT_LENGTH`, and Django
read such a body as empty (config/wsgi.py, `with_content_length`)."""

import http.client
import json
from collections.abc import Iterator
from typing import Any

from tests.core.integration.test_shared_state_without_redis import URL, Server, _account, server
from tests.real_estates.helpers import payload

__all__ = ["server"]  # the running server, shared with the module that starts it


def _chunked(
    server: Server, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    def chunks() -> Iterator[bytes]:  # no length known beforehand: http.client sends it chunked
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(
            method, path, body=chunks(), headers={"Content-Type": "application/json", **headers}
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_a_chunked_create_and_a_chunked_update_are_read_as_sent(server: Server) -> None:
    auth = {"Authorization": f"Bearer {_account(server, '153.509.460-56')}"}

    status, created = _chunked(
        server, "POST", URL, json.dumps(payload(title="Casa enviada aos pedaços")).encode(), auth
    )
    assert status == 201, created
    assert created["title"] == "Casa enviada aos pedaços"

    # A PATCH read as empty answered 200 having changed nothing.
    status, updated = _chunked(server, "PATCH", f"{URL}/{created['id']}", b'{"title": "Novo titulo"}', auth)
    assert status == 200, updated
    assert updated["title"] == "Novo titulo"
