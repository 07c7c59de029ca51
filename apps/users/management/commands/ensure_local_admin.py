"""Creates an admin account on a local database where no admin can sign in, and prints its
credentials once. Two runs at once create one admin (`user_ensure_local_admin`)."""

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.users.cpf import format_cpf, generate_cpf
from apps.users.services import user_ensure_local_admin


class Command(WriteLockedChecksCommand):
    help = (
        "Local settings only: create an admin account unless an active admin who can sign in "
        "exists, and print its password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOCAL_ADMIN_BOOTSTRAP:
            raise CommandError("ensure_local_admin runs only under local settings.")
        cpf = generate_cpf()
        password = secrets.token_urlsafe(12)

        def announce() -> None:  # before the commit: printing that fails creates no admin
            self.stdout.write(
                self.style.SUCCESS(
                    "\nCreated the local admin account (shown once; it is not stored anywhere else):\n"
                    f"  CPF:      {format_cpf(cpf)}\n"
                    f"  password: {password}\n"
                    "  admin:    /admin/\n"
                )
            )
            self.stdout.flush()

        user_ensure_local_admin(cpf=cpf, name="Local Admin", password=password, announce=announce)
