"""`storage.save_whole`: a stream of chunks (an export's CSV) stored under its key, which shows the
previous object, or none, until the last chunk is in, and nothing at all when the stream or the
storage fails half-way: on local disk (written beside the key, then renamed over it) and on S3
(one PUT, or a multipart upload aborted on failure)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from apps.core import errors
from apps.media import storage
from tests.media.conftest import set_storage_options
from tests.media.flaky_s3 import FlakyS3
from tests.storage_backends import everything_stored, use_s3

KEY = "exports/run-1.csv"
MB = 1024 * 1024


def test_a_stream_shows_under_its_key_only_once_it_is_whole(backend: str) -> None:
    storage.save_whole(KEY, [b"yesterday's export\n"])
    seen_meanwhile = []

    def lines() -> Iterator[bytes]:
        for n in range(3):
            seen_meanwhile.append(storage.read_object(KEY))  # a reader while the export is written
            yield f"line {n}\n".encode()

    assert storage.save_whole(KEY, lines()) == 21

    assert seen_meanwhile == [b"yesterday's export\n"] * 3
    assert storage.read_object(KEY) == b"line 0\nline 1\nline 2\n"
    assert everything_stored() == [KEY]


@pytest.mark.parametrize("previous", [None, b"yesterday's export\n"])
def test_a_stream_that_fails_half_way_leaves_what_was_there_and_nothing_else(
    backend: str, previous: bytes | None
) -> None:
    if previous is not None:
        storage.save_whole(KEY, [previous])

    def lines() -> Iterator[bytes]:
        yield b"id,title\n"
        yield b"1,Casa\n"
        raise RuntimeError("the rows' cursor went away")

    with pytest.raises(RuntimeError, match="cursor went away"):
        storage.save_whole(KEY, lines())

    assert everything_stored() == ([] if previous is None else [KEY])
    if previous is not None:
        assert storage.read_object(KEY) == previous


def test_a_local_file_gets_the_mode_of_stored_files(settings: Any) -> None:
    """Written through a temporary file (created 0600), as FileSystemStorage would have made it."""
    settings.FILE_UPLOAD_PERMISSIONS = 0o640

    storage.save_whole(KEY, [b"x\n"])

    path = Path(storage.media_storage().path(KEY))
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.django_db
def test_an_s3_upload_failed_half_way_leaves_no_object_and_no_unfinished_upload(
    settings: Any, s3_endpoint: str, flaky_s3: FlakyS3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the multipart threshold the upload goes in parts; one refused (no retry here) fails
    the save, and s3transfer aborts the upload: S3 keeps no object and no parts."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    use_s3(settings, s3_endpoint)
    set_storage_options(
        settings,
        endpoint_url=flaky_s3.endpoint,
        transfer_config=TransferConfig(
            multipart_threshold=5 * MB, multipart_chunksize=5 * MB, use_threads=False
        ),
    )
    storage.save_whole(KEY, [b"yesterday's export\n"])
    flaky_s3.reset()
    flaky_s3.fail(method="PUT", path_contains="partNumber=2", times=1)

    with pytest.raises(errors.StorageUnavailable):
        storage.save_whole(KEY, (b"x" * MB for _ in range(11)))

    assert flaky_s3.requests("PUT", "partNumber=2")  # it did go in parts
    assert everything_stored() == [KEY]
    assert storage.read_object(KEY) == b"yesterday's export\n"
