"""A per-process bound on concurrent work, sized by a setting (decodes, password hashes)."""

import threading

from django.conf import settings


class ProcessSlots:
    """At most `settings.<setting>` holders at once in this process (at least one).

    The size is read on every use: a changed setting (tests change it) gets a new semaphore."""

    def __init__(self, setting: str) -> None:
        self.setting = setting
        self._guard = threading.Lock()
        self._current: tuple[int, threading.BoundedSemaphore] | None = None

    def semaphore(self) -> threading.BoundedSemaphore:
        size = max(1, int(getattr(settings, self.setting)))
        with self._guard:
            if self._current is None or self._current[0] != size:
                self._current = (size, threading.BoundedSemaphore(size))
            return self._current[1]
