"""`storage.object_urls()`: the links of a page or an export, made once per batch, are the links
`object_url` makes one at a time, byte for byte, on every backend, and they open."""

from typing import Any

import time_machine

from apps.media import storage
from tests.storage_backends import use_s3

KEYS = [
    "thumbs/sha256/ab/cd/abcdef0123456789-256.webp",
    "blobs/sha256/00/ff/x.jpg",
    "thumbs/sha256/ab/cd/ação é.webp",  # not a key we make, but signed alike
]


def test_a_batch_of_links_is_what_object_url_makes_one_at_a_time() -> None:
    with time_machine.travel("2026-03-01T12:00:00Z", tick=False):
        link = storage.object_urls()
        assert [link(key) for key in KEYS] == [storage.object_url(key) for key in KEYS]


def test_a_batch_link_opens_to_its_key() -> None:
    link = storage.object_urls()(KEYS[0])
    assert storage.key_from_token(link.removeprefix("/media/")) == KEYS[0]


def test_a_batch_stamps_its_links_with_the_second_it_was_made_in() -> None:
    with time_machine.travel("2026-03-01T12:00:00Z", tick=False) as traveller:
        link = storage.object_urls()
        made_then = storage.object_url(KEYS[0])
        traveller.shift(5)
        assert link(KEYS[0]) == made_then
        assert link(KEYS[0]) != storage.object_url(KEYS[0])


def test_on_s3_the_links_are_ours_too(settings: Any, s3_endpoint: str) -> None:
    """Nothing is presigned when links are made (a page of 500 covers would be 500 presigns)."""
    use_s3(settings, s3_endpoint)
    with time_machine.travel("2026-03-01T12:00:00Z", tick=False):
        link = storage.object_urls()
        links = [link(key) for key in KEYS]
        assert links == [storage.object_url(key) for key in KEYS]
        assert storage.key_from_token(links[0].removeprefix("/media/")) == KEYS[0]
