"""simplejwt's `flushexpiredtokens`, its checks and failures as every command of ours
(`WriteLockedChecksCommand`): a database unavailable is a CommandError, not a traceback. The
daily task (`apps.core.tasks.flush_expired_tokens`) deletes the same rows."""

from rest_framework_simplejwt.token_blacklist.management.commands import flushexpiredtokens

from apps.core.management.busy_sqlite import WriteLockedChecksCommand


class Command(WriteLockedChecksCommand, flushexpiredtokens.Command):
    pass
