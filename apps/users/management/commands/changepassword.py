"""Django's `changepassword`, through `services.user_set_password`: the user's tokens are revoked
and an audit event is recorded, as when an admin sets a password in the admin."""

import getpass
from typing import Any

from django.core.management.base import CommandError, CommandParser

from apps.core import errors
from apps.core.management.operator import OperatorCommand
from apps.users import services
from apps.users.management.commands._prompts import MAX_TRIES, ask_new_password, refusal
from apps.users.models import User


class Command(OperatorCommand):
    help = "Change a user's password (by CPF); revokes every token of theirs and records it in the audit."
    requires_migrations_checks = True
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username", nargs="?", help="CPF of the user (formatted or not); by default the OS user's name."
        )

    def handle(self, *args: Any, **options: Any) -> str:
        username = options["username"] or getpass.getuser()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"user '{username}' does not exist") from None
        self.stdout.write(f"Changing password for user '{user}'")
        password = ask_new_password(user, stderr=self.stderr)
        if password is not None:
            try:
                services.user_set_password(user=user, actor=None, password=password)
            except errors.ApiError as error:
                raise CommandError(refusal(error)) from error
            return f"Password changed successfully for user '{user}'; their tokens are revoked."
        raise CommandError(f"Aborting password change for user '{user}' after {MAX_TRIES} attempts")
