"""The user: a CPF as login, a role, and nothing else the product does not need."""

import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Length, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from apps.users.cpf import normalize_cpf
from apps.users.querysets import UserManager
from apps.users.validators import NAME_MAX_LENGTH, validate_cpf, validate_name

SESSION_HASH_SALT = "apps.users.models.User.get_session_auth_hash"


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    COLLECTOR = "collector", _("Collector")


class CpfField(models.CharField):  # type: ignore[type-arg]
    """Stores 11 digits; accepts formatted input (`529.982.247-25`) wherever it is cleaned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalize_cpf(value) if isinstance(value, str) else value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"max_length": 14, **kwargs})


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cpf = CpfField(_("CPF"), unique=True, validators=[validate_cpf])
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, validators=[validate_name])
    email = models.EmailField(_("email"), null=True, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.COLLECTOR, db_index=True
    )
    is_active = models.BooleanField(_("is active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Every token issued before this second is dead (a deactivation, a role change, a new
    # password), and so is every admin session signed in before it (`get_session_auth_hash`): a
    # reactivation or a role changed back does not revive them (apps/users/tokens.py).
    tokens_revoked_at = models.DateTimeField(_("tokens revoked at"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "cpf"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cpf__regex=r"^[0-9]{11}$"), name="users_cpf_11_digits"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="users_role_valid"),
            models.CheckConstraint(
                condition=models.lookups.GreaterThanOrEqual(Length("name"), 4), name="users_name_min_length"
            ),
            models.UniqueConstraint(Lower("email"), name="users_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_full_name(self) -> str:
        """The name Django's admin shows beside the username (the CPF) in a history."""
        return self.name

    def check_password(self, raw_password: str | None) -> bool:
        """Django's, but the upgrade of a hash made at another cost (`Argon2idHasher`) replaces only
        the hash it checked. Django's saved this instance's password over the row: a sign-in with
        the old password, checked while the owner changed it, put the old one back (and signed in).
        Now a change made meanwhile stays, and the sign-in then finds the row changed (refused)."""
        checked = self.password

        def upgrade(raw: str) -> None:
            from apps.users import auth_cache  # here: auth_cache imports this module

            upgraded = make_password(raw)
            if type(self).objects.filter(pk=self.pk, password=checked).update(password=upgraded):
                self.password = upgraded
                auth_cache.forget(self.pk)  # as the save it replaces did (post_save)

        return check_password(raw_password, checked, upgrade)

    # A session (the admin's) is valid while this hash is the one it was signed in with: Django's
    # is of the password alone, so a session of a deactivated or demoted account came back with the
    # account. With `tokens_revoked_at`, whatever revokes the API tokens ends the sessions too, for
    # good (docs/adr/0133-a-session-dies-with-the-tokens.md).
    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, *, secret: str | None) -> str:
        revoked = "" if self.tokens_revoked_at is None else self.tokens_revoked_at.isoformat()
        value = f"{self.password}\n{revoked}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    # Admin access and superuser status derive from the role, so no flag can drift from it;
    # defining `is_superuser` here replaces PermissionsMixin's column.
    @property
    def is_superuser(self) -> bool:  # type: ignore[override]
        return self.role == Role.ADMIN

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager_or_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)
