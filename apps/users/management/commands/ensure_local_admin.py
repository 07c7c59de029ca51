"""Creates an admin account on a local database where no admin can sign in, and prints its
credentials once."""

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError

from apps.users.cpf import format_cpf, generate_cpf
from apps.users.models import Role, User
from apps.users.services import user_create


class Command(BaseCommand):
    help = (
        "Local settings only: create an admin account unless an active admin who can sign in "
        "exists, and print its password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOCAL_ADMIN_BOOTSTRAP:
            raise CommandError("ensure_local_admin runs only under local settings.")
        # ADR 0018: an inactive admin, or one whose password sign-in is disabled, administers nothing.
        admins = User.objects.active().with_role(Role.ADMIN)
        if admins.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX).exists():
            return
        cpf = generate_cpf()
        password = secrets.token_urlsafe(12)
        user_create(actor=None, cpf=cpf, name="Local Admin", password=password, role=Role.ADMIN)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated the local admin account (shown once; it is not stored anywhere else):\n"
                f"  CPF:      {format_cpf(cpf)}\n"
                f"  password: {password}\n"
                "  admin:    /admin/\n"
            )
        )
