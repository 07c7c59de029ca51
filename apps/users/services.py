"""Every write on users and their tokens: sign-up, sign-in, refresh, sign-out, profile,
password, administration and erasure.

Each public service is its own transaction. Rules that span rows or roles raise catalog
errors here; serializers only check shapes. Nothing here logs a CPF unmasked, a password
or a token (the log processors redact those keys; see apps.core.logging).
"""

import enum
import json
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

import structlog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.audit.services import (
    audit_created,
    audit_deleted,
    audit_diff,
    audit_record,
    audit_snapshot,
    audit_user_erase,
)
from apps.core import errors
from apps.core.locks import lock_key
from apps.core.logging import keyed_hash
from apps.real_estates import services as real_estate_services
from apps.users.cpf import format_cpf, normalize_cpf
from apps.users.models import Role, User
from apps.users.querysets import UserManager
from apps.users.tokens import (
    TokenPair,
    decode_refresh,
    issue_token_pair,
    issued_before_revocation,
    token_family,
    token_family_revoke,
    token_user_id,
    user_tokens_revoke,
)

logger = structlog.get_logger(__name__)


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET
"""Default of optional update arguments: "leave as it is", distinct from None ("clear it")."""

Unset = Literal[_Unset.UNSET]

AUDITED_FIELDS = ("cpf", "name", "email", "role", "is_active")
"""What an audit event of a user shows (apps/audit); never the password or its hash."""


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
    taken = User.objects.with_email(email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise errors.EmailAlreadyRegistered()


def _full_clean(user: User, *, changed: list[str] | None = None) -> None:
    """The model's field rules, on every field of a new user, or only on the `changed` ones of an
    edit: a value stored before a rule tightened (a name of invisible characters, ADR 0094) must
    not refuse an edit of another field (a deactivation, an email)."""
    exclude = {"password"}
    if changed is not None:
        exclude |= {field.name for field in User._meta.concrete_fields if field.name not in changed}
    try:
        user.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
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
        if user.email and User.objects.with_email(user.email).exclude(pk=user.pk).exists():
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
    audit_record(actor=user, action="user.create", target=user, changes=audit_created(user, AUDITED_FIELDS))
    transaction.on_commit(partial(logger.info, "user_signed_up", user_id=str(user.pk), cpf=user.cpf))
    return user


@transaction.atomic
def user_create(
    *, actor: User | None, cpf: str, name: str, password: str, role: str, email: str | None = None
) -> User:
    """An admin (or, with `actor` None, an operator's command) creates an account with any role."""
    _ensure_still_admin(actor, active_admins=_lock_actor(actor))
    user = _create(cpf=cpf, name=name, password=password, email=email, role=role)
    audit_record(actor=actor, action="user.create", target=user, changes=audit_created(user, AUDITED_FIELDS))
    transaction.on_commit(
        partial(
            logger.info, "user_created", user_id=str(user.pk), role=role, actor_id=actor and str(actor.pk)
        )
    )
    return user


@transaction.atomic
def user_ensure_local_admin(
    *, cpf: str, name: str, password: str, announce: Callable[[], None]
) -> User | None:
    """`manage.py ensure_local_admin` (local settings): an admin account, created by an operator's
    command, unless an active admin who can sign in exists (ADR 0018); None when one does.

    Two runs at once (two `make run`, two containers starting) both found none and each created
    an admin: the check and the creation now run under one lock, held to the commit, so the
    second run waits and finds the first's admin. PostgreSQL: an advisory lock of the
    transaction; SQLite: its IMMEDIATE transactions already serialise writers. `announce` (the
    command printing the credentials) runs before the commit: credentials no one could read
    (stdout gone) leave no admin behind, and the next run creates and prints one."""
    lock_key("users.ensure_local_admin")
    admins = User.objects.active().with_role(Role.ADMIN)
    if admins.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX).exists():
        return None
    user = user_create(actor=None, cpf=cpf, name=name, password=password, role=Role.ADMIN)
    announce()
    return user


def _lock_active_admins() -> list[Any]:
    """Locks the rows of the active admins and returns their ids.

    Every service that can take admin rights away from someone (demotion, deactivation,
    deletion), and every service an admin performs on a user (`_lock_actor`), takes this lock
    first, in primary-key order, so two admins demoting each other at the same moment queue here
    and the second sees that only one admin is left. NO KEY: the
    admins' own writes meanwhile reference their rows (an audit event's actor, a review) and
    must not wait for this lock while holding a row its taker waits for (a deadlock)."""
    return list(
        User.objects.filter(role=Role.ADMIN, is_active=True)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )


def _lock_actor(actor: User | None, *, admins: bool = False) -> list[Any]:
    """The first locks of a service `actor` performs on a user (docs/adr/0015-erasure-lock-order.md),
    before the user's row: the active admins' rows (`_lock_active_admins`, primary-key order)
    whenever there is an actor (an admin's row is then one of them) or the service may take admin
    rights away (`admins`); an actor not among them (not, or no longer, an active admin) right
    after, `FOR NO KEY UPDATE` (`locked_actor`). So two admins acting on each other, or an admin
    acting while another erases them, queue at the admins' rows instead of deadlocking, and a write
    whose actor was erased meanwhile (the row gone once locked) is refused as a request of a user
    who no longer exists, AUTHENTICATION_FAILED, before it writes anything, rather than failing at
    commit on its reference to them. `actor` None (an operator's command) locks no actor. Returns
    the ids of the active admins locked (none if not locked): `_ensure_still_admin` then checks
    the actor is one of them."""
    active_admins = _lock_active_admins() if admins or actor is not None else []
    if actor is not None and actor.pk not in active_admins and User.objects.locked_actor(actor.pk) is None:
        raise errors.AuthenticationFailed()
    return active_admins


def _ensure_still_admin(actor: User | None, *, active_admins: list[Any]) -> None:
    """`actor` (None: an operator's command) is an active admin now, under the admins' lock
    (docs/adr/0016-an-admins-rights-are-checked-under-the-lock.md): the role the API or the Django
    admin checked when the request was authenticated may have been taken away since (a demotion, a
    deactivation by another admin, committed while the request was in flight). Called after the
    rules about the user (CANNOT_CHANGE_OWN_ACCOUNT, LAST_ACTIVE_ADMIN), before any write."""
    if actor is not None and actor.pk not in active_admins:
        raise errors.PermissionDenied()


def _ensure_admin_may_go(*, user: User, actor: User | None, active_admins: list[Any]) -> None:
    """No self-lockout (docs/adr/0012-admin-writes-through-services.md): `user`, an active admin,
    is about to be demoted, deactivated or deleted by `actor` (None: an operator's command), or to
    lose password sign-in. Another active admin must remain who can sign in (docs/adr/0018): one
    whose password sign-in was disabled keeps no one administering, and the acting admin may be
    one (disabled while their request was in flight). Their rows are locked (`active_admins`), so
    no password changes under this check."""
    if actor is not None and user.pk == actor.pk:
        raise errors.CannotChangeOwnAccount()
    others = User.objects.filter(pk__in=[pk for pk in active_admins if pk != user.pk])
    if not others.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX).exists():
        raise errors.LastActiveAdmin()


def _locked(user: User, *, erasing: bool = False) -> User:
    """The user's row, re-read and locked for the rest of the transaction.

    NO KEY, like the admins' lock: the user's own writes in flight reference the row (an audit
    event, a real estate's collector) while holding a row this transaction may then write (a real
    estate of theirs), so a lock blocking their references would deadlock with them. `erasing`
    (FOR UPDATE) does block them, so that no row referencing the user commits while their traces
    are erased; only `user_delete` takes it, once it holds every row such a write locks first
    (see there)."""
    locking = User.objects.select_for_update(no_key=not erasing)
    found = locking.filter(pk=user.pk).first()
    if found is None:  # deleted by someone else since the caller read it
        raise errors.UserNotFound()
    return found


def _still_active(user: User) -> User:
    """`user`, locked, acting on their own account: deactivated while their request was in flight,
    they are refused as the same request a moment later would be (their tokens are dead), 403."""
    if not user.is_active:
        raise errors.PermissionDenied()
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
    """An admin changes another account (API or Django admin).

    A role change or a deactivation revokes every token of that user at once: their refresh
    tokens are blacklisted. Nobody demotes or deactivates themselves, and the last active admin
    stays one (CANNOT_CHANGE_OWN_ACCOUNT, LAST_ACTIVE_ADMIN). A new name is copied to the real
    estates the user collected, in this transaction.
    """
    takes_rights = (role is not UNSET and role != Role.ADMIN) or is_active is False
    active_admins = _lock_actor(actor, admins=takes_rights)
    user = _locked(user)
    before = audit_snapshot(user, AUDITED_FIELDS)
    if takes_rights and user.is_active and user.role == Role.ADMIN:
        _ensure_admin_may_go(user=user, actor=actor, active_admins=active_admins)
    _ensure_still_admin(actor, active_admins=active_admins)
    changed = _apply_profile(user, name=name, email=email)
    if role is not UNSET and role != user.role:
        user.role = role
        changed.append("role")
    if is_active is not UNSET and is_active != user.is_active:
        user.is_active = is_active
        changed.append("is_active")
    if not changed:
        return user
    _full_clean(user, changed=changed)
    _save(user, update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action=_update_action(changed, is_active=user.is_active),
        target=user,
        changes=audit_diff(before, audit_snapshot(user, AUDITED_FIELDS)),
    )
    if "name" in changed:
        real_estate_services.real_estate_collector_renamed(user=user)
    if "role" in changed or ("is_active" in changed and not user.is_active):
        revoked = user_tokens_revoke(user=user)
        transaction.on_commit(
            partial(
                logger.info,
                "user_tokens_revoked",
                user_id=str(user.pk),
                actor_id=str(actor.pk),
                revoked=revoked,
            )
        )
    transaction.on_commit(
        partial(logger.info, "user_updated", user_id=str(user.pk), actor_id=str(actor.pk), fields=changed)
    )
    return user


def _update_action(changed: list[str], *, is_active: bool) -> str:
    """One event per update, named for its weightiest change: (de)activation, then role."""
    if "is_active" in changed:
        return "user.activate" if is_active else "user.deactivate"
    return "user.role_change" if "role" in changed else "user.update"


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
    user = _still_active(_locked(user))
    before = audit_snapshot(user, AUDITED_FIELDS)
    changed = _apply_profile(user, name=name, email=email)
    if changed:
        _full_clean(user, changed=changed)
        _save(user, update_fields=[*changed, "updated_at"])
        audit_record(
            actor=user,
            action="user.update",
            target=user,
            changes=audit_diff(before, audit_snapshot(user, AUDITED_FIELDS)),
        )
        if "name" in changed:
            real_estate_services.real_estate_collector_renamed(user=user)
        transaction.on_commit(partial(logger.info, "profile_updated", user_id=str(user.pk), fields=changed))
    return user


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Sets a new password and revokes every token issued before it.

    Refresh tokens are blacklisted; access tokens stop working because their
    `hash_password` claim no longer matches the stored hash (CHECK_REVOKE_TOKEN).
    """
    user = _still_active(_locked(user))
    if not user.check_password(current_password):
        raise errors.WrongCurrentPassword()
    _check_password_strength(password=new_password, user=user, field="new_password")
    _store_password(user, new_password)
    audit_record(actor=user, action="user.password_change", target=user)  # which field, never its value
    transaction.on_commit(partial(logger.info, "password_changed", user_id=str(user.pk)))


@transaction.atomic
def user_set_password(*, user: User, actor: User | None, password: str | None) -> None:
    """Staff set someone's password without knowing the current one (the Django admin; `actor`
    None: an operator's `manage.py changepassword`), or with None disable password sign-in.
    Either way every token of the user dies, as with `user_change_password`. Nobody sets their
    own this way (`OWN_PASSWORD_NEEDS_CURRENT`): one's own password changes with the current one,
    `user_change_password`, as in the API. Disabling an active admin's password sign-in locks
    them out as a deactivation does: never the last active admin's (ADR 0012)."""
    if actor is not None and actor.pk == user.pk:
        raise errors.OwnPasswordNeedsCurrent()
    active_admins = _lock_actor(actor, admins=password is None)
    user = _locked(user)
    if password is None and user.is_active and user.role == Role.ADMIN:
        _ensure_admin_may_go(user=user, actor=actor, active_admins=active_admins)
    _ensure_still_admin(actor, active_admins=active_admins)
    if password is not None:
        _check_password_strength(password=password, user=user, field="password")
    _store_password(user, password)
    audit_record(actor=actor, action="user.password_change", target=user)  # which field, never its value
    transaction.on_commit(
        partial(
            logger.info,
            "password_set",
            user_id=str(user.pk),
            actor_id=actor and str(actor.pk),
            usable=password is not None,
        )
    )


def _store_password(user: User, password: str | None) -> None:
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    revoked = user_tokens_revoke(user=user)
    transaction.on_commit(partial(logger.info, "user_tokens_revoked", user_id=str(user.pk), revoked=revoked))


@transaction.atomic
def user_delete(*, user: User, actor: User | None) -> None:
    """Erases the account (LGPD right to erasure; docs/adr/0010-account-deletion-lgpd.md).

    The row goes, and with it CPF, name, email and password hash. Its tokens are deleted,
    not blacklisted: a stored token carries the user id and a digest of the password hash,
    and a token of a missing user is refused anyway. Admin log entries about this user, or
    naming them, go too. The real estates they collected forget their name. Rows of other apps
    that must stay point to the user with `on_delete=SET_NULL` and keep nothing personal of
    theirs. An admin cannot erase themselves, nor anyone the last active admin.
    """
    # Lock order (docs/adr/0015): the admins (the actor's row among them, or right after), the
    # user's row held against other user writes only (a rename, a sign-in or refresh, any
    # real-estate or photo write by the user waits; a mere reference does not), then the real
    # estates they collected or reviewed (a review in flight naming them commits before the audit
    # trail is scrubbed), then the user's row against references. A write by the user takes their
    # row first too: one in flight commits before the erasure goes on, one arriving later waits
    # and then finds no user (AUTHENTICATION_FAILED).
    active_admins = _lock_actor(actor, admins=True)
    user = _locked(user)
    if user.is_active and user.role == Role.ADMIN:
        _ensure_admin_may_go(user=user, actor=actor, active_admins=active_admins)
    if actor is None or actor.pk != user.pk:  # one's own erasure needs no role
        _ensure_still_admin(actor, active_admins=active_admins)
    real_estate_services.real_estate_collector_deleted(user=user)
    user = _locked(user, erasing=True)
    user_id = str(user.pk)
    audit_record(actor=actor, action="user.delete", target=user, changes=audit_deleted(user, AUDITED_FIELDS))
    audit_user_erase(user=user)  # its events stay, without the person (apps/audit)
    LogEntry.objects.filter(_admin_log_mentions(user)).delete()
    OutstandingToken.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).delete()
    transaction.on_commit(
        partial(
            logger.info,
            "user_deleted",
            user_id=user_id,
            actor_id=str(actor.pk) if actor is not None else None,
            by_self=actor is not None and user.pk == actor.pk,
        )
    )


def _admin_log_mentions(user: User) -> Q:
    """Admin log entries about `user`, or whose text names them (their CPF, formatted or not, their
    name or email; change messages are JSON, so a name with accents is also looked for escaped)."""
    about = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    words = {user.cpf, format_cpf(user.cpf), user.name, json.dumps(user.name)[1:-1]}
    if user.email:
        words.add(user.email)
    for word in words:
        about |= Q(object_repr__icontains=word) | Q(change_message__icontains=word)
    return about


# --- sign-in and tokens ----------------------------------------------------------------------


def user_sign_in(*, cpf: str, password: str, request: HttpRequest | None = None) -> TokenPair:
    """Checks the credentials and issues a token pair.

    Throttles run before this (in the view), so no hash is computed for a throttled
    attempt. An unknown CPF costs one password hash as a wrong password does (Django's
    ModelBackend hashes the given password for a missing user) and both, like an inactive
    account, answer INVALID_CREDENTIALS.

    The transaction is the two writes only: the password check (~20 ms of Argon2id) runs
    before it, so no transaction stays open while a hash is computed.
    """
    user = authenticate(request, cpf=cpf, password=password)
    if not isinstance(user, User):
        logger.info("sign_in_failed", cpf_hash=keyed_hash(normalize_cpf(cpf)))  # never what was typed
        raise errors.InvalidCredentials()
    with transaction.atomic():
        # The UPDATE locks the user's row before the token row is written, the order of the
        # services that revoke (_token_owner_locked), and matches only the row as it was checked:
        # erased, deactivated, given a new password or a new role while the hash was computed
        # (or a revocation in progress, which it waits for), nothing is issued.
        # No post_save, and nothing to forget: the cached row leaves `last_login` out (auth_cache).
        still = User.objects.filter(pk=user.pk, is_active=True, password=user.password, role=user.role)
        if not still.update(last_login=timezone.now()):
            logger.info("sign_in_failed", cpf_hash=keyed_hash(normalize_cpf(cpf)))
            raise errors.InvalidCredentials()
        transaction.on_commit(partial(logger.info, "signed_in", user_id=str(user.pk)))
        return issue_token_pair(user=user)


def token_refresh(*, refresh: str) -> TokenPair:
    """Trades a refresh token for a new pair; the old refresh token is dead afterwards.

    Single use even under concurrency: the user's row and then the token's OutstandingToken
    row are locked, so of parallel refreshes of one token the first blacklists it and the
    others then find it blacklisted, and a refresh racing a revocation waits for it. A deleted
    or deactivated user, or one whose password changed since the token was issued, gets
    TOKEN_INVALID.

    A blacklisted token presented again is a reuse (OAuth 2.0 Security BCP; ADR 0014): someone
    holds a copy, and either party may be the thief, so every live token of its family (those
    descended from the same sign-in) is blacklisted. That revocation commits (a durable
    transaction, never a savepoint of a caller's), then the request is refused as any dead token is.
    """
    token = decode_refresh(refresh, check_blacklist=False)  # checked below, under the lock
    with transaction.atomic(durable=True):
        user = _token_owner_locked(token_user_id(token))
        outstanding = (
            # order_by: the model's default ordering joins the user table, which FOR UPDATE cannot lock.
            OutstandingToken.objects.select_for_update()
            .filter(jti=token[api_settings.JTI_CLAIM])
            .order_by("pk")
            .first()
        )
        if outstanding is None or user is None:
            raise errors.TokenInvalid()
        if not BlacklistedToken.objects.filter(token=outstanding).exists():
            if (
                not user.is_active
                or token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password)
                or issued_before_revocation(token, user)
            ):
                raise errors.TokenInvalid()
            BlacklistedToken.objects.create(token=outstanding)
            return issue_token_pair(user=user, family=token_family(token))
        revoked = token_family_revoke(user=user, family=token_family(token))
    logger.warning("refresh_token_reused", user_id=str(user.pk), revoked=revoked)
    raise errors.TokenInvalid()


def _token_owner_locked(user_id: Any) -> User | None:
    """The user row, locked before any of their token rows.

    The services that revoke tokens (`user_update`, the password services, `user_delete`) lock
    the user row and then blacklist or delete the token rows; sign-in, refresh and sign-out take
    the locks in that same order, so they wait for a revocation in progress and then see it,
    instead of deadlocking with it or inserting a token for a row being erased. NO KEY: rows
    that merely reference the user (a new token, a real estate) are not held up."""
    try:
        return User.objects.select_for_update(no_key=True).filter(pk=user_id).first()
    except DjangoValidationError:  # not a UUID: cannot come from a token we signed, but never a 500
        return None


@transaction.atomic
def user_sign_out(*, user: User, refresh: str) -> None:
    """Ends the sign-in `refresh` descends from (docs/adr/0017-sign-out-ends-the-sign-in.md): that
    refresh token and every live one of its family (ADR 0014) die, so signing out with a token
    already rotated (a lost response, another tab, a thief who refreshed first) leaves nothing of
    that session alive; the user's other sign-ins stay. Already dead is fine; someone else's is
    TOKEN_INVALID."""
    token = decode_refresh(refresh, check_blacklist=False)
    if str(token_user_id(token)) != str(user.pk):
        raise errors.TokenInvalid()
    _token_owner_locked(user.pk)  # a revocation in progress first (see there)
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
    revoked = token_family_revoke(user=user, family=token_family(token))
    transaction.on_commit(partial(logger.info, "signed_out", user_id=str(user.pk), revoked=revoked))
