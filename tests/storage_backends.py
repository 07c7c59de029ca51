"""Storage fixtures for every app: a real S3-compatible server (moto) on loopback, and a
`backend` fixture that runs a test once on local disk and once against it. Registered as a
plugin by tests/conftest.py."""

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.storage import storages

S3_REGION = "us-east-1"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone server: a real HTTP S3 API, so boto3 and django-storages run unchanged."""
    port = _free_port()
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(  # noqa: S603 - our own venv's binary, fixed arguments
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:  # pragma: no cover - only when moto_server never starts
            raise RuntimeError("moto_server did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def use_s3(settings: Any, endpoint: str) -> str:
    bucket = f"vivenda-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION, **S3_CREDENTIALS).create_bucket(
        Bucket=bucket
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "region_name": S3_REGION,
                "endpoint_url": endpoint,
                "access_key": S3_CREDENTIALS["aws_access_key_id"],
                "secret_key": S3_CREDENTIALS["aws_secret_access_key"],
                "signature_version": "s3v4",
                "addressing_style": "path",
                "querystring_auth": True,
                "querystring_expire": settings.MEDIA_URL_EXPIRY_SECONDS,
                "default_acl": None,
                "file_overwrite": True,
            },
        },
    }
    storages._storages = {}  # the setting_changed receiver does this too; be explicit
    return bucket


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Runs a test once on local disk and once against the S3 server."""
    if request.param == "s3":
        use_s3(settings, request.getfixturevalue("s3_endpoint"))
    return str(request.param)
