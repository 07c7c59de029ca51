"""A request refused before its body is read (no credentials, a transition that takes none, a
body over the cap) leaves the connection usable: the server closed a keep-alive connection whose
request body the app had not read, without saying so, and nginx, which keeps its connections to
the app open (docker/nginx.conf), answered the next request on it, or the refused upload itself,
with its own HTML 502 page."""

import http.client
import json

import pytest

from tests.core.integration.test_shared_state_without_redis import URL, Server, _account, server

__all__ = ["server"]  # the running server, shared with the module that starts it


def _two_requests(server: Server, method: str, path: str, body: bytes, headers: dict[str, str]) -> list[int]:
    """The status of the request, then of a GET of the probe sent after it on the same connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        first = connection.getresponse()
        first.read()
        connection.request("GET", "/health/live")
        second = connection.getresponse()
        second.read()
        return [first.status, second.status]
    finally:
        connection.close()


# Up to what nginx forwards (`client_max_body_size 12m`, docker/nginx.conf), past the photo limit.
@pytest.mark.parametrize("size", [64 * 1024, 3 * 1024 * 1024, 12 * 1024 * 1024 - 1024])
def test_an_upload_refused_for_its_credentials_keeps_the_connection(server: Server, size: int) -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'
    body += b"\xff" * size + b"\r\n--b--\r\n"
    statuses = _two_requests(
        server,
        "POST",
        f"{URL}/00000000-0000-4000-8000-000000000000/photos",
        body,
        {"Content-Type": "multipart/form-data; boundary=b", "Authorization": "Bearer not-a-token"},
    )
    assert statuses == [401, 200]


def test_a_body_sent_to_a_route_that_reads_none_keeps_the_connection(server: Server) -> None:
    token = _account(server, "714.602.380-01")
    padding = json.dumps({"note": "x" * 200_000}).encode()
    statuses = _two_requests(
        server,
        "POST",
        f"{URL}/00000000-0000-4000-8000-000000000000/submit",
        padding,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert statuses == [404, 200]
