"""The S3 URL a media link redirects to is presigned for MEDIA_URL_EXPIRY_SECONDS, but never for
longer than S3 accepts: a week (SigV4's X-Amz-Expires is at most 604800 s)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.core.fresh_settings import read_settings

S3 = {
    "DJANGO_SETTINGS_MODULE": "config.settings.local",  # the test settings keep media on disk
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "vivenda-photos",
    "AWS_ACCESS_KEY_ID": "test-access-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret-key",
}


def _presigned_for(expiry: str) -> int:
    # Presigning is local (no request to S3): the URL a link opened now would redirect to.
    result = read_settings(
        "__import__('apps.media.storage').media.storage.presigned_url('blobs/sha256/00/00/photo.jpg')",
        **S3,
        MEDIA_URL_EXPIRY_SECONDS=expiry,
    )
    assert result.returncode == 0, result.stderr
    return int(parse_qs(urlsplit(result.stdout.strip()).query)["X-Amz-Expires"][0])


@pytest.mark.parametrize(("expiry", "presigned"), [("3600", 3600), ("604800", 604800)])
def test_the_s3_url_lives_as_long_as_the_link(expiry: str, presigned: int) -> None:
    assert _presigned_for(expiry) == presigned


def test_a_link_living_longer_than_a_week_redirects_to_an_s3_url_s3_accepts() -> None:
    # MEDIA_URL_EXPIRY_SECONDS=2592000 (30 days, an offline client's sync) presigned every S3 URL
    # for 30 days, which S3 refuses (400 AuthorizationQueryParametersError): no photo could be
    # seen. The URL is presigned when the link is opened (ADR 0083), so a week is plenty.
    assert _presigned_for("2592000") == 604800
