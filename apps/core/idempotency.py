"""Idempotent creates: an `Idempotency-Key` makes a retried request answer as the first did.

Field clients on bad networks retry; with a key, the retry is answered from a record of the
first request instead of creating a duplicate. Per user and scope, for
`IDEMPOTENCY_TTL_SECONDS` (24 h):

- same key, same body, first request finished → the created object rendered again as it is
  now, with the first status (`Idempotent-Replayed: true`);
- same key, another body → 409 IDEMPOTENCY_KEY_REUSED;
- same key while the first is still running → 409 IDEMPOTENCY_REQUEST_IN_PROGRESS;
- a malformed key → 400 IDEMPOTENCY_KEY_INVALID;
- two keys (the header sent twice, which the server joins with a comma into one value) → 400
  IDEMPOTENCY_KEY_REPEATED: a key holds no comma, so a joined value is never taken for one key.

The record holds only what a replay needs: the body's fingerprint, the status and the created
object's id, ~150 bytes whatever the response's size, so a client creating at the general rate
cannot fill the cache with response bodies (docs/adr/0045). State lives in the default cache,
which every process shares (Redis, or the embedded database cache); `cache.add` is the
in-flight lock, and the record is read again once it is held (the first request may have
written it and let go of the lock just after this one found none). The lock is renewed while its
request runs (`_Renewer`), so a create slower than `LOCK_SECONDS` (a statement waiting for a lock)
still answers its retries 409; only a dead process's lock expires (docs/adr/0108). Only successful (2xx)
responses are recorded: a failed request changed nothing, so running it again is safe. A write
quota belongs in `handler` (`UserQuotaThrottle.check`), not in the view's throttles: a replay
writes nothing and must not spend it, nor be refused by it. Once the create committed its answer
reaches the client whatever the cache does next: a record or a lock release the cache refuses
(the embedded default's SQLite locked past its timeout, a PostgreSQL lock timeout) is logged
(`idempotency_record_lost`, `idempotency_lock_not_released`), never a 503 for a create that
happened. Known limits: if the process dies between the commit and the cache write, or the
record was lost, a retry after the lock is gone (at once, or `LOCK_SECONDS` later when it could
not be released) runs again; while the cache is unavailable (ADR 0040) a retry may create a
second object; a replay of an object deleted since answers as a read of it would (404).
"""

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core import errors

logger = structlog.get_logger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = r"[\x21-\x2b\x2d-\x7e]{1,255}"  # visible ASCII but the comma, like a UUID
_KEY_PATTERN = re.compile(KEY_PATTERN)
# How long a key stays held once its request no longer renews it (its process died): a request
# renews it every third of that while it runs (`_Renewer`), however long it runs.
LOCK_SECONDS = 60


def fingerprint(request: Request) -> str:
    """The body's identity: canonical JSON when parsed (key order and spacing do not count)."""
    try:
        canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError):  # pragma: no cover - parsers give JSON-like data
        canonical = request.body.decode("latin-1")
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _keys(scope: str, user_id: Any, key: str) -> tuple[str, str]:
    digest = hashlib.sha256(key.encode()).hexdigest()
    base = f"idempotency:{scope}:{user_id}:{digest}"
    return f"{base}:response", f"{base}:lock"


def _replay(stored: dict[str, Any], body_fingerprint: str, render: Callable[[str], Response]) -> Response:
    if stored["fingerprint"] != body_fingerprint:
        raise errors.IdempotencyKeyReused()
    response = render(stored["id"])
    response.status_code = stored["status"]
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(
    request: Request,
    *,
    scope: str,
    handler: Callable[[], Response],
    replay: Callable[[str], Response],
) -> Response:
    """Run `handler` once per (user, scope, key); a retry answers `replay(id)`, the object the
    first run created (its response's `id`) rendered again. Without the header, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    if "," in key:
        raise errors.IdempotencyKeyRepeated()
    if not _KEY_PATTERN.fullmatch(key):
        raise errors.IdempotencyKeyInvalid()
    body_fingerprint = fingerprint(request)
    record_key, lock_key = _keys(scope, request.user.pk, key)

    stored = cache.get(record_key)
    if stored is not None:
        return _replay(stored, body_fingerprint, replay)
    if not cache.add(lock_key, body_fingerprint, timeout=LOCK_SECONDS):
        stored = cache.get(record_key)  # the first one may have finished meanwhile
        if stored is not None:
            return _replay(stored, body_fingerprint, replay)
        if cache.get(lock_key) not in (None, body_fingerprint):
            raise errors.IdempotencyKeyReused()
        raise errors.IdempotencyRequestInProgress()
    try:
        # The first request may have written its record and released the lock between our read
        # and our `add`: read again now that we hold the lock, or a retry storm creates twice.
        stored = cache.get(record_key)
        with _renewer.holding(scope, lock_key):
            response = handler() if stored is None else _replay(stored, body_fingerprint, replay)
    except BaseException:
        _after_commit(scope, "idempotency_lock_not_released", lambda: cache.delete(lock_key))
        raise
    # The create committed: from here on nothing may turn its answer into an error, or the client
    # retries (a new key, or the same one once the lock expires) and creates it twice.
    if stored is None and 200 <= response.status_code < 300:
        record = {
            "fingerprint": body_fingerprint,
            "status": response.status_code,
            "id": str(response.data["id"]),
        }
        _after_commit(
            scope,
            "idempotency_record_lost",
            lambda: cache.set(record_key, record, timeout=settings.IDEMPOTENCY_TTL_SECONDS),
        )
    _after_commit(scope, "idempotency_lock_not_released", lambda: cache.delete(lock_key))
    return response


class _Renewer:
    """Keeps held the keys of this process's running requests, however long they run: one thread
    per process touches each key every third of `LOCK_SECONDS` (docs/adr/0108). A create can
    outlive any fixed lifetime (each statement may wait `WEB_STATEMENT_TIMEOUT_MS` for a lock, the
    server has no request timeout, ADR 0043); a retry after the lock expired ran it a second time.
    Now a retry is answered 409 IDEMPOTENCY_REQUEST_IN_PROGRESS until it finishes, and only a dead
    process's key expires. A request holds a key by a dictionary entry, not a thread of its own
    (starting and joining one cost ~0.1 ms of CPU per create, ADR 0108)."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a fork keeps no thread, and maybe a held mutex

    def _reset(self) -> None:
        self._held: dict[object, tuple[str, str, float]] = {}  # token: scope, key, last touched
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @contextmanager
    def holding(self, scope: str, key: str) -> Iterator[None]:
        token = object()  # the same key twice when a degraded cache's `add` always answers True
        with self._changed:
            if not self._held:
                self._changed.notify()
            self._held[token] = (scope, key, time.monotonic())
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="idempotency-locks", daemon=True)
                self._thread.start()
        try:
            yield
        finally:
            with self._changed:
                del self._held[token]

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._held))
            tick = min(LOCK_SECONDS / 6, 1)  # read live: a test shortens `LOCK_SECONDS`
            time.sleep(tick)
            now = time.monotonic()
            with self._changed:  # each key touched when a third of its lifetime is at most a tick away
                due = [
                    (token, scope, key)
                    for token, (scope, key, touched) in self._held.items()
                    if now - touched + tick >= LOCK_SECONDS / 3
                ]
                for token, scope, key in due:
                    self._held[token] = (scope, key, now)
            for _, scope, key in due:
                _after_commit(scope, "idempotency_lock_not_renewed", partial(cache.touch, key, LOCK_SECONDS))
            if due:
                connections.close_all()  # this thread's, should the database cache have opened one


_renewer = _Renewer()


def _after_commit(scope: str, event: str, write: Callable[[], object]) -> None:
    """A cache write whose failure is logged, not raised: the request's own work is done (or its
    error already on its way). A lost record lets a retry run again once the lock is gone; a lock
    not released answers retries 409 IDEMPOTENCY_REQUEST_IN_PROGRESS until it expires."""
    try:
        write()
    except Exception as exc:  # noqa: BLE001 - whatever the cache raised, the answer stands
        logger.warning(event, scope=scope, error=type(exc).__name__)
