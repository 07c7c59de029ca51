"""`BlobIds`, the set of blob ids `rebuild_thumbnails` keeps a bit each of: a set's answers, its ids
in ascending order, whatever order they were added in."""

import random

from apps.media.services.thumbnails import BlobIds


def test_it_answers_as_a_set_of_the_same_ids() -> None:
    ids = random.Random(7).sample(range(1, 5000), 300)
    blob_ids = BlobIds(ids + ids[:50])  # some added twice

    assert list(blob_ids) == sorted(set(ids))
    assert len(blob_ids) == 300
    assert all(blob_id in blob_ids for blob_id in ids)
    assert not any(blob_id in blob_ids for blob_id in set(range(5000)) - set(ids))


def test_ids_on_either_side_of_a_byte_boundary() -> None:
    blob_ids = BlobIds([8, 7, 15, 16, 0])

    assert list(blob_ids) == [0, 7, 8, 15, 16]
    assert 9 not in blob_ids
    assert 10_000 not in blob_ids  # beyond the largest id added
    assert -1 not in blob_ids
    assert "8" not in blob_ids


def test_an_empty_set_is_falsy() -> None:
    assert not BlobIds()
    assert list(BlobIds()) == []
