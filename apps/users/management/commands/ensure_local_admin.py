"""Creates one admin account on a fresh local database and prints its credentials once."""

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.users.cpf import format_cpf, generate_cpf
from apps.users.models import Role, User
from apps.users.services import user_create


class Command(BaseCommand):
    help = "Local settings only: create an admin account if none exists and print its password."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOCAL_ADMIN_BOOTSTRAP:
            raise CommandError("ensure_local_admin runs only under local settings.")
        if User.objects.filter(role=Role.ADMIN).exists():
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
