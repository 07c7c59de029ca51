"""Per-process bounds on concurrent work, sized by a setting: a semaphore (image decodes) and a
pool of threads that does the work itself (password hashes)."""

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings


class _SizedBySetting[T]:
    """One `build(size)` per process, where size is `settings.<setting>` (at least one).

    The size is read on every use: a changed setting (tests change it) gets a new one, and the
    old one is handed to `retire`. A forked child starts without one: a parent's threads do not
    survive `fork`."""

    def __init__(
        self, setting: str, build: Callable[[int], T], retire: Callable[[T], object] = lambda _: None
    ) -> None:
        self.setting = setting
        self._build = build
        self._retire = retire
        self._guard = threading.Lock()
        self._current: tuple[int, T] | None = None
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._guard = threading.Lock()
        self._current = None

    def get(self) -> T:
        size = max(1, int(getattr(settings, self.setting)))
        with self._guard:
            if self._current is None or self._current[0] != size:
                if self._current is not None:
                    self._retire(self._current[1])
                self._current = (size, self._build(size))
            return self._current[1]


class ProcessSlots(_SizedBySetting[threading.BoundedSemaphore]):
    """At most `settings.<setting>` holders at once in this process."""

    def __init__(self, setting: str) -> None:
        super().__init__(setting, threading.BoundedSemaphore)

    def semaphore(self) -> threading.BoundedSemaphore:
        return self.get()


class ProcessThreads(_SizedBySetting[ThreadPoolExecutor]):
    """`settings.<setting>` threads of this process that run every call given to `run`: at most
    that many at once, and always on the same few threads (whatever a call leaves in its
    thread's malloc arena is kept by those threads only, not by every thread that asked)."""

    def __init__(self, setting: str, name: str) -> None:
        super().__init__(
            setting,
            lambda size: ThreadPoolExecutor(size, thread_name_prefix=name),
            lambda pool: pool.shutdown(wait=False),
        )

    def run[R](self, call: Callable[..., R], *args: object) -> R:
        """`call(*args)` on one of the threads, once one is free; its result or its exception."""
        return self.get().submit(call, *args).result()
