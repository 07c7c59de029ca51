"""Platform tasks run by Celery workers (or in-process when no broker is configured)."""

from django.core.management import call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from config.celery import app


@app.task(name="apps.core.tasks.flush_expired_tokens")
def flush_expired_tokens() -> int:
    """Delete expired refresh tokens (and their blacklist rows) with simplejwt's own command.

    Idempotent: a second run finds nothing left to delete. Answers how many were removed.
    """
    expired = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).count()
    call_command("flushexpiredtokens", verbosity=0)
    return expired
