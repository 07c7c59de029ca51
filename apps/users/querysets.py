"""Reads of users: the vocabulary the services and views query with."""

from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth.base_user import BaseUserManager
from django.db import models

from apps.core.unicode_case import UnicodeIContains, UnicodeLower
from apps.users.cpf import normalize_cpf

if TYPE_CHECKING:
    from apps.users.models import User


class LockedActor(NamedTuple):
    """A user as committed, read under their row's lock (`locked_actor`)."""

    name: str
    role: str
    is_active: bool


class UserQuerySet(models.QuerySet["User"]):
    def active(self) -> "UserQuerySet":
        return self.filter(is_active=True)

    def with_role(self, role: str) -> "UserQuerySet":
        return self.filter(role=role)

    def with_email(self, email: str) -> "UserQuerySet":
        """Users whose email PostgreSQL's unique index (`lower(email)`) takes for `email`.
        Compared with the database's lower() on both sides: `iexact` compares upper cases, and a
        Kelvin sign or a dotted capital I is not upper-cased to what it lower-cases from. On
        SQLite, whose lower() folds ASCII letters only, `unicode_lower` (apps/core/unicode_case.py)."""
        return self.alias(email_lower=UnicodeLower("email")).filter(
            email_lower=UnicodeLower(models.Value(email))
        )

    def search(self, term: str) -> "UserQuerySet":
        """Name contains `term` in any case, every letter (`joão` finds `JOÃO`; on SQLite too,
        apps/core/unicode_case.py), or CPF starts with its digits (formatted input allowed)."""
        term = term.strip()
        if not term:
            return self
        query = models.Q(UnicodeIContains(models.F("name"), term))
        digits = "".join(ch for ch in term if ch.isdigit())
        if digits and len(digits) == len(term.replace(".", "").replace("-", "")):
            query |= models.Q(cpf__startswith=digits)
        return self.filter(query)

    def locked_actor(self, pk: Any) -> LockedActor | None:
        """User `pk` as committed (name, role, is_active), their row locked `FOR NO KEY UPDATE`
        until the transaction ends; None if the row is gone (erased). The lock every write by a
        user takes before any other (docs/adr/0015-erasure-lock-order.md): their erasure, their
        renames and a change of their role or state take it first too, so such a write waits for
        one in progress and then decides on what it left (no row, another role, inactive), and
        an erasure or a demotion waits for such a write to commit."""
        row = self.select_for_update(no_key=True).filter(pk=pk).values_list(*LockedActor._fields).first()
        return None if row is None else LockedActor(*row)


class UserManager(BaseUserManager["User"]):
    """Django's user-manager contract (`createsuperuser`, the admin, auth backends)."""

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def active(self) -> UserQuerySet:
        return self.get_queryset().active()

    def search(self, term: str) -> UserQuerySet:
        return self.get_queryset().search(term)

    def with_email(self, email: str) -> UserQuerySet:
        return self.get_queryset().with_email(email)

    def locked_actor(self, pk: Any) -> LockedActor | None:
        return self.get_queryset().locked_actor(pk)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(cpf=normalize_cpf(username or ""))

    def create_user(self, cpf: str, name: str, password: str | None = None, **extra_fields: object) -> "User":
        user = self.model(cpf=normalize_cpf(cpf), name=name.strip(), **extra_fields)
        if user.email:
            user.email = self.normalize_email(user.email)
        else:
            user.email = None
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(
        self, cpf: str, name: str, password: str | None = None, **extra_fields: object
    ) -> "User":
        from apps.users.models import Role

        # Django's command passes is_staff/is_superuser; both derive from the role here.
        extra_fields.pop("is_staff", None)
        extra_fields.pop("is_superuser", None)
        extra_fields["role"] = Role.ADMIN
        return self.create_user(cpf, name, password, **extra_fields)
