"""An upload's media type is read whatever its letter case (RFC 9110: type, subtype and parameter
names are case-insensitive; the boundary's value is not): `Multipart/Form-Data` reached Django's
multipart parser as sent, which takes only a lower-case `multipart/`, and answered 400
`MALFORMED_REQUEST` to an upload that `multipart/form-data` would have stored."""

import pytest
from rest_framework.test import APIClient

from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.conftest import photos_url

pytestmark = pytest.mark.django_db

BOUNDARY = "Fronteira-Xy"  # mixed case: the value itself is case-sensitive and must stay as sent


def _multipart(data: bytes, *, caption: str | None = None) -> bytes:
    text = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n{caption}\r\n'.encode()
        if caption is not None
        else b""
    )
    return (
        text
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.mark.parametrize(
    "content_type",
    [
        f"multipart/form-data; boundary={BOUNDARY}",
        f"Multipart/Form-Data; boundary={BOUNDARY}",
        f"MULTIPART/FORM-DATA; Boundary={BOUNDARY}",
    ],
)
def test_a_photo_is_stored_whatever_the_case_of_its_media_type(
    collector_client: APIClient, draft: RealEstate, content_type: str
) -> None:
    response = collector_client.post(
        photos_url(draft), _multipart(samples.image_bytes("PNG")), content_type=content_type
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content_type"] == "image/png"


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf8"'])
def test_a_caption_is_read_as_utf_8_when_labelled_so(
    collector_client: APIClient, draft: RealEstate, charset: str
) -> None:
    response = collector_client.post(
        photos_url(draft),
        _multipart(samples.image_bytes("PNG"), caption="Fachada é"),
        content_type=f"multipart/form-data; boundary={BOUNDARY}; charset={charset}",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["caption"] == "Fachada é"


@pytest.mark.parametrize("charset", ["latin-1", "iso-8859-1", "utf-16", "no-such-charset"])
def test_an_upload_labelled_with_another_charset_is_refused_and_stores_nothing(
    collector_client: APIClient, draft: RealEstate, charset: str
) -> None:
    """Multipart has no charset parameter (RFC 7578); Django's parser decoded the text parts as it
    named, so a UTF-8 caption labelled Latin-1 was stored as "Fachada Ã©". Refused as a JSON body
    labelled so is (docs/adr/0123)."""
    response = collector_client.post(
        photos_url(draft),
        _multipart(samples.image_bytes("PNG"), caption="Fachada é"),
        content_type=f"multipart/form-data; boundary={BOUNDARY}; charset={charset}",
    )
    assert response.status_code == 415, response.json()
    assert response.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert charset in response.json()["error"]["message"]
    assert not draft.photos.exists()
