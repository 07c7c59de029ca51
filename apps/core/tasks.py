"""Platform tasks run by Celery workers (or in-process when no broker is configured)."""

from importlib import import_module

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from config.celery import app


@app.task(name="apps.core.tasks.flush_expired_tokens")
def flush_expired_tokens() -> int:
    """Delete expired refresh tokens (and their blacklist rows), as simplejwt's `flushexpiredtokens`
    command does. Answers how many refresh tokens this run deleted: the delete's own count, so a
    token another run deleted meanwhile (beat's and one by hand) is not counted twice.

    Idempotent: a second run finds nothing left to delete.
    """
    _, deleted = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted.get(OutstandingToken._meta.label, 0)


@app.task(name="apps.core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete the admin's expired sessions, as Django's `clearsessions` command does: the session
    engine's own `clear_expired` (the database engine keeps a row per sign-in until then, so the
    table grew by one for every staff sign-in, forever). Idempotent."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
