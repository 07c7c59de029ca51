"""A per-process bound on how many images are decoded at once
(docs/adr/0031-bounded-image-decoding-and-write-quotas.md).

Each decode may take up to `MEDIA_DECODE_MAX_BYTES` per copy; bounding how many run together
bounds what a burst of uploads (or thumbnail jobs) can add to one process, whatever its
threads. A request that cannot get a slot within `MEDIA_DECODE_WAIT_SECONDS` is a 503 with
`Retry-After`, not a queue that grows without end.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from apps.core import errors
from apps.core.slots import ProcessSlots

_DECODES = ProcessSlots("MEDIA_MAX_CONCURRENT_DECODES")


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of the process's decode slots for the duration of the block."""
    slots = _DECODES.semaphore()
    wait = float(settings.MEDIA_DECODE_WAIT_SECONDS)
    if not slots.acquire(timeout=wait):
        raise errors.ServiceUnavailable(headers={"Retry-After": str(max(1, math.ceil(wait)))})
    try:
        yield
    finally:
        slots.release()
