"""A media link's token opens its file for an hour: the logs name the route, never the token."""

import json
import logging

import pytest
from django.test import Client

from apps.core.logging import formatter_factory
from apps.media.storage import blob_key, object_url

pytestmark = pytest.mark.django_db


def test_the_access_line_of_a_media_link_names_the_route_not_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    link = object_url(blob_key("ab" * 32, "jpg"))
    token = link.removeprefix("/media/")
    with caplog.at_level(logging.INFO, logger="vivenda.access"):
        response = Client().get(link)
    assert response.status_code == 404  # a valid link to a file that is not stored: still logged
    [record] = [r for r in caplog.records if r.name == "vivenda.access"]
    assert isinstance(record.msg, dict)  # structlog's event dict, before rendering
    assert record.msg["path"] == "/media/<redacted>"
    for json_lines in (True, False):
        rendered = formatter_factory(json=json_lines).format(record)
        assert token not in rendered
        assert "/media/<redacted>" in rendered
    assert json.loads(formatter_factory(json=True).format(record))["status"] == 404


@pytest.mark.parametrize("route", ["/MEDIA/", "/Media/"])
def test_the_access_line_of_a_media_link_in_another_case_names_no_token(
    route: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = object_url(blob_key("cd" * 32, "jpg")).removeprefix("/media/")
    with caplog.at_level(logging.INFO, logger="vivenda.access"):
        response = Client().get(route + token)
    assert response.status_code == 404  # no such route, but the token opens its file at /media/
    [record] = [r for r in caplog.records if r.name == "vivenda.access"]
    assert isinstance(record.msg, dict)
    assert record.msg["path"] == f"{route}<redacted>"
    assert token not in formatter_factory(json=True).format(record)
