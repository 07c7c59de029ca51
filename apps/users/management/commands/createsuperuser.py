"""Django's `createsuperuser` for Vivenda's users, through `services.user_create`: an admin
account (the role gives staff and superuser), with the service's checks and an audit event.

Interactive, it asks for the CPF, name, optional email and password. With `--noinput` it takes
`--cpf`/`DJANGO_SUPERUSER_CPF`, `--name`/`DJANGO_SUPERUSER_NAME`, `--email`/`DJANGO_SUPERUSER_EMAIL`
and `DJANGO_SUPERUSER_PASSWORD` (required: an admin signs in with a password).
"""

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.core.validators import ProhibitNullCharactersValidator, validate_email

from apps.core import errors
from apps.core.management.busy_sqlite import WriteLockedChecksCommand
from apps.users import services
from apps.users.cpf import format_cpf, normalize_cpf
from apps.users.management.commands._prompts import MAX_TRIES, ask, ask_new_password, refusal
from apps.users.models import Role, User
from apps.users.validators import validate_cpf, validate_name


class Command(WriteLockedChecksCommand):
    help = "Create an admin account (asks for the CPF; --noinput reads DJANGO_SUPERUSER_* variables)."
    requires_migrations_checks = True
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cpf", help="The admin's CPF (formatted or not).")
        parser.add_argument("--name", help="The admin's name.")
        parser.add_argument("--email", help="The admin's email (optional).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Ask nothing: values from the options and DJANGO_SUPERUSER_CPF, _NAME, _EMAIL, _PASSWORD.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        values = self._ask(options) if options["interactive"] else self._from_environment(options)
        try:
            user = services.user_create(actor=None, role=Role.ADMIN, **values)
        except errors.ApiError as error:
            raise CommandError(refusal(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(f"Superuser created successfully: {format_cpf(user.cpf)}.")

    def _from_environment(self, options: dict[str, Any]) -> dict[str, Any]:
        values = {
            "cpf": options["cpf"] or os.environ.get("DJANGO_SUPERUSER_CPF", ""),
            "name": options["name"] or os.environ.get("DJANGO_SUPERUSER_NAME", ""),
            "email": options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL") or None,
            "password": os.environ.get("DJANGO_SUPERUSER_PASSWORD", ""),
        }
        for key, source in (("cpf", "--cpf or "), ("name", "--name or "), ("password", "")):
            if not values[key]:
                raise CommandError(f"With --noinput, use {source}DJANGO_SUPERUSER_{key.upper()}.")
        return values

    def _ask(self, options: dict[str, Any]) -> dict[str, Any]:
        cpf = options["cpf"] or self._ask_valid("CPF: ", _check_cpf)
        name = options["name"] or self._ask_valid("Name: ", _check_name)
        email = (
            options["email"]
            if options["email"] is not None
            else self._ask_valid("Email address (optional): ", _check_email)
        )
        candidate = User(cpf=normalize_cpf(cpf), name=name, email=email or None)
        password = ask_new_password(candidate, stderr=self.stderr)
        if password is not None:
            return {"cpf": cpf, "name": name, "email": email or None, "password": password}
        raise CommandError(f"No admin created after {MAX_TRIES} attempts at a password.")

    def _ask_valid(self, prompt: str, check: Any) -> str:
        for _ in range(MAX_TRIES):
            value = ask(prompt)
            try:
                check(value)
            except ValidationError as exc:
                self.stderr.write("Error: " + " ".join(exc.messages))
                continue
            return value
        raise CommandError(f"No admin created after {MAX_TRIES} attempts at {prompt.rstrip(': ')}.")


# What a prompt reads may hold a NUL (an option or a variable cannot), which PostgreSQL refuses
# in a text: refused at the prompt, as the API's serializers refuse it.
_no_nul = ProhibitNullCharactersValidator()


def _check_name(value: str) -> None:
    _no_nul(value)
    validate_name(value)


def _check_email(value: str) -> None:
    if value:
        _no_nul(value)
        validate_email(value)
        if User.objects.with_email(value).exists():  # in any case, as the unique index compares
            raise ValidationError(errors.EmailAlreadyRegistered.default_message)


def _check_cpf(value: str) -> None:
    validate_cpf(normalize_cpf(value))
    if User.objects.filter(cpf=normalize_cpf(value)).exists():
        raise ValidationError("That CPF is already registered.")
