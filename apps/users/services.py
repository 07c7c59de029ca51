"""Every write on users and their tokens: sign-up, sign-in, refresh, sign-out, profile,
password, administration and erasure.

Each public service is its own transaction. Rules that span rows or roles raise catalog
errors here; serializers only check shapes. Nothing here logs a CPF unmasked, a password
or a token (the log processors redact those keys; see apps.core.logging).
"""

import enum
from typing import Any, Literal

import structlog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.core import errors
from apps.core.logging import keyed_hash
from apps.users import auth_cache
from apps.users.cpf import normalize_cpf
from apps.users.models import Role, User
from apps.users.querysets import UserManager
from apps.users.tokens import TokenPair, decode_refresh, issue_token_pair, token_user_id, user_tokens_revoke

logger = structlog.get_logger(__name__)


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET
"""Default of optional update arguments: "leave as it is", distinct from None ("clear it")."""

Unset = Literal[_Unset.UNSET]


# --- helpers (not transactions of their own) ------------------------------------------------


def _fields_of(exc: DjangoValidationError) -> dict[str, list[dict[str, str]]]:
    """Django's ValidationError → the envelope's `fields` shape."""
    error_dict = exc.error_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.error_list}
    return {
        field: [{"code": item.code or "invalid", "message": str(next(iter(item)))} for item in items]
        for field, items in error_dict.items()
    }


def _check_password_strength(*, password: str, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise errors.ValidationError(fields={field: _fields_of(exc)["non_field_errors"]}) from exc


def _normalize_email(email: str | None) -> str | None:
    email = (email or "").strip()
    return UserManager.normalize_email(email) if email else None


def _ensure_email_free(email: str | None, *, exclude: User | None = None) -> None:
    if email is None:
        return
    taken = User.objects.filter(email__iexact=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise errors.EmailAlreadyRegistered()


def _full_clean(user: User) -> None:
    try:
        user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise errors.ValidationError(fields=_fields_of(exc)) from exc


def _save(user: User, **kwargs: Any) -> None:
    """Saves in a savepoint, turning a lost uniqueness race into its catalog error."""
    try:
        with transaction.atomic():
            user.save(**kwargs)
    except IntegrityError as exc:
        if User.objects.filter(cpf=user.cpf).exclude(pk=user.pk).exists():
            raise errors.CpfAlreadyRegistered() from exc
        if user.email and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
            raise errors.EmailAlreadyRegistered() from exc
        raise


def _create(*, cpf: str, name: str, password: str, email: str | None, role: str) -> User:
    cpf = normalize_cpf(cpf)
    email = _normalize_email(email)
    if User.objects.filter(cpf=cpf).exists():
        raise errors.CpfAlreadyRegistered()
    _ensure_email_free(email)
    user = User(cpf=cpf, name=name.strip(), email=email, role=role)
    _check_password_strength(password=password, user=user, field="password")
    _full_clean(user)
    user.set_password(password)
    _save(user, force_insert=True)
    return user


# --- sign-up and administration --------------------------------------------------------------


@transaction.atomic
def user_sign_up(*, cpf: str, name: str, password: str, email: str | None = None) -> User:
    """Self-service account: always a collector. Off when SIGN_UP_ENABLED is false."""
    if not settings.SIGN_UP_ENABLED:
        raise errors.SignUpDisabled()
    user = _create(cpf=cpf, name=name, password=password, email=email, role=Role.COLLECTOR)
    logger.info("user_signed_up", user_id=str(user.pk), cpf=user.cpf)
    return user


@transaction.atomic
def user_create(
    *, actor: User, cpf: str, name: str, password: str, role: str, email: str | None = None
) -> User:
    """An admin creates an account with any role."""
    user = _create(cpf=cpf, name=name, password=password, email=email, role=role)
    logger.info("user_created", user_id=str(user.pk), role=role, actor_id=str(actor.pk))
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    actor: User,
    name: str | Unset = UNSET,
    email: str | Unset | None = UNSET,
    role: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> User:
    """An admin changes another account. Deactivating revokes every token of that user at once.

    Admins cannot demote or deactivate themselves (so the platform never loses its last
    admin by accident, and nobody locks themselves out mid-request).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk and (
        (role is not UNSET and role != user.role) or (is_active is False and user.is_active)
    ):
        raise errors.CannotChangeOwnAccount()
    was_active = user.is_active
    changed = _apply_profile(user, name=name, email=email)
    if role is not UNSET and role != user.role:
        user.role = role
        changed.append("role")
    if is_active is not UNSET and is_active != user.is_active:
        user.is_active = is_active
        changed.append("is_active")
    if changed:
        _full_clean(user)
        _save(user, update_fields=[*changed, "updated_at"])
    if was_active and not user.is_active:
        revoked = user_tokens_revoke(user=user)
        logger.info("user_deactivated", user_id=str(user.pk), actor_id=str(actor.pk), revoked=revoked)
    if changed:
        logger.info("user_updated", user_id=str(user.pk), actor_id=str(actor.pk), fields=changed)
    return user


def _apply_profile(user: User, *, name: str | Unset, email: str | Unset | None) -> list[str]:
    changed: list[str] = []
    if name is not UNSET and name.strip() != user.name:
        user.name = name.strip()
        changed.append("name")
    if email is not UNSET:
        normalized = _normalize_email(email)
        if normalized != user.email:
            _ensure_email_free(normalized, exclude=user)
            user.email = normalized
            changed.append("email")
    return changed


@transaction.atomic
def user_update_profile(*, user: User, name: str | Unset = UNSET, email: str | Unset | None = UNSET) -> User:
    """A user edits their own profile: only name and email, never role, CPF or state."""
    user = User.objects.select_for_update().get(pk=user.pk)
    changed = _apply_profile(user, name=name, email=email)
    if changed:
        _full_clean(user)
        _save(user, update_fields=[*changed, "updated_at"])
        logger.info("profile_updated", user_id=str(user.pk), fields=changed)
    return user


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Sets a new password and revokes every token issued before it.

    Refresh tokens are blacklisted; access tokens stop working because their
    `hash_password` claim no longer matches the stored hash (CHECK_REVOKE_TOKEN).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(current_password):
        raise errors.WrongCurrentPassword()
    _check_password_strength(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    revoked = user_tokens_revoke(user=user)
    logger.info("password_changed", user_id=str(user.pk), revoked=revoked)


@transaction.atomic
def user_delete(*, user: User, actor: User) -> None:
    """Erases the account (LGPD right to erasure; docs/adr/0010-account-deletion-lgpd.md).

    The row goes, and with it CPF, name, email and password hash. Its tokens are deleted,
    not blacklisted: a stored token carries the user id and a digest of the password hash,
    and a token of a missing user is refused anyway. Admin log entries about this user
    (their `object_repr` is the name) go too. Rows of other apps that must stay point to
    the user with `on_delete=SET_NULL` and keep nothing personal of theirs.
    """
    user_id = str(user.pk)
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=user_id).delete()
    OutstandingToken.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).delete()
    logger.info("user_deleted", user_id=user_id, actor_id=str(actor.pk), by_self=user.pk == actor.pk)


# --- sign-in and tokens ----------------------------------------------------------------------


@transaction.atomic
def user_sign_in(*, cpf: str, password: str, request: HttpRequest | None = None) -> TokenPair:
    """Checks the credentials and issues a token pair.

    Throttles run before this (in the view), so no hash is computed for a throttled
    attempt. An unknown CPF costs one password hash as a wrong password does (Django's
    ModelBackend hashes the given password for a missing user) and both, like an inactive
    account, answer INVALID_CREDENTIALS.
    """
    user = authenticate(request, cpf=cpf, password=password)
    if not isinstance(user, User):
        logger.info("sign_in_failed", cpf_hash=keyed_hash(normalize_cpf(cpf)))  # never what was typed
        raise errors.InvalidCredentials()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    auth_cache.forget(user.pk)  # update() sends no post_save
    logger.info("signed_in", user_id=str(user.pk))
    return issue_token_pair(user=user)


@transaction.atomic
def token_refresh(*, refresh: str) -> TokenPair:
    """Trades a refresh token for a new pair; the old refresh token is dead afterwards.

    Single use even under concurrency: the token's OutstandingToken row is locked, so of
    parallel refreshes of one token the first blacklists it and the others then find it
    blacklisted. A deleted or deactivated user, or one whose password changed since the
    token was issued, gets TOKEN_INVALID.
    """
    token = decode_refresh(refresh, check_blacklist=False)  # checked below, under the lock
    outstanding = (
        # order_by: the model's default ordering joins the user table, which FOR UPDATE cannot lock.
        OutstandingToken.objects.select_for_update()
        .filter(jti=token[api_settings.JTI_CLAIM])
        .order_by("pk")
        .first()
    )
    if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
        raise errors.TokenInvalid()
    user = _token_owner(token_user_id(token))
    if (
        user is None
        or not user.is_active
        or token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)
    ):
        raise errors.TokenInvalid()
    BlacklistedToken.objects.create(token=outstanding)
    return issue_token_pair(user=user)


def _token_owner(user_id: Any) -> User | None:
    try:
        return User.objects.filter(pk=user_id).first()
    except DjangoValidationError:  # not a UUID: cannot come from a token we signed, but never a 500
        return None


@transaction.atomic
def user_sign_out(*, user: User, refresh: str) -> None:
    """Kills one refresh token of `user`. Already dead is fine; someone else's is TOKEN_INVALID."""
    token = decode_refresh(refresh, check_blacklist=False)
    if str(token_user_id(token)) != str(user.pk):
        raise errors.TokenInvalid()
    outstanding = (
        # order_by: the model's default ordering joins the user table, which FOR UPDATE cannot lock.
        OutstandingToken.objects.select_for_update()
        .filter(jti=token[api_settings.JTI_CLAIM])
        .order_by("pk")
        .first()
    )
    if outstanding is None:
        raise errors.TokenInvalid()
    BlacklistedToken.objects.get_or_create(token=outstanding)
    logger.info("signed_out", user_id=str(user.pk))
