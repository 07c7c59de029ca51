"""Writes of real estates: creation, edits and the review workflow.

Every public service is one transaction. Transitions lock the row (`select_for_update`),
check the status *after* locking, and write the history row in the same transaction, so two
reviewers acting at once leave exactly one outcome. Every write bumps `version` (the ETag)
and, after commit, invalidates the cached list counts.

Lock order (docs/adr/0015-erasure-lock-order.md): a write by a user locks that user's row first
(`_lock_actor`), then the real estate, then anything else (a photo, a storage key).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from apps.audit.services import audit_created, audit_deleted, audit_diff, audit_record, audit_snapshot
from apps.core import errors
from apps.core.text import is_blank
from apps.real_estates import list_cache
from apps.real_estates.models import ADDRESS_FIELDS, RealEstate, RealEstateTransition, Status
from apps.real_estates.search import build_search_text
from apps.sync.services import sync_forget_collector, sync_record_change, sync_record_changes
from apps.users.models import Role, User
from apps.users.querysets import LockedActor

# Fields a client may set; the address is flat here (the API nests it).
EDITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "title",
        "description",
        "kind",
        "purpose",
        "price",
        "area_m2",
        "bedrooms",
        "bathrooms",
        "parking_spaces",
        *ADDRESS_FIELDS,
    }
)
EDITABLE_STATUSES: frozenset[str] = frozenset({Status.DRAFT, Status.REJECTED})
AUDITED_FIELDS: tuple[str, ...] = (*sorted(EDITABLE_FIELDS), "status")
"""What an audit event of a real estate shows (apps/audit)."""
REVIEWER_ROLES: frozenset[str] = frozenset({Role.MANAGER, Role.ADMIN})
_TRANSITION_FIELDS = ("status", "rejection_reason", "reviewed_by", "reviewed_at")
_TRANSITION_ACTIONS: dict[str, str] = {
    Status.SUBMITTED: "real_estate.submit",
    Status.APPROVED: "real_estate.approve",
    Status.REJECTED: "real_estate.reject",
    Status.ARCHIVED: "real_estate.archive",
}


def _refresh_search_text(real_estate: RealEstate) -> None:
    real_estate.search_text = build_search_text(
        real_estate.title,
        real_estate.description,
        real_estate.street,
        real_estate.neighborhood,
        real_estate.city,
    )


def _invalidate_lists_on_commit() -> None:
    transaction.on_commit(list_cache.bump_generation)


def _lock_actor(actor: User, *, reviewer: bool = False) -> LockedActor:
    """The first lock of every write by `actor` (they are its collector, reviewer, uploader or the
    actor of its history and audit events): their row, `FOR NO KEY UPDATE`, the lock their
    erasure, their renames and a change of their role or state take first (ADR 0015). So an
    erasure, a demotion or a deactivation in progress is waited for, and the write then decides
    on the actor as committed, not as the request was authenticated (docs/adr/0016, followed
    here): gone is AUTHENTICATION_FAILED (a request of a user who no longer exists, rather than a
    failure at commit on its reference to them), deactivated is PERMISSION_DENIED, and so is a
    review (`reviewer`) by one no longer a manager or admin. An erasure or a demotion arriving
    later waits for the write. Returns the actor as committed."""
    current = User.objects.locked_actor(actor.pk)
    if current is None:  # erased since the request was authenticated
        raise errors.AuthenticationFailed()
    if not current.is_active or (reviewer and current.role not in REVIEWER_ROLES):
        raise errors.PermissionDenied()
    return current


def _lock(real_estate: RealEstate, *, actor: User, reviewer: bool = False) -> tuple[RealEstate, LockedActor]:
    """The row, re-read under a lock (after the actor's): its status is the one this transaction
    acts on; and the actor as committed, who must still see it (`_ensure_in_scope`)."""
    current = _lock_actor(actor, reviewer=reviewer)
    try:
        locked = RealEstate.objects.select_for_update(of=("self",)).get(pk=real_estate.pk)
    except RealEstate.DoesNotExist:
        raise errors.RealEstateNotFound() from None
    _ensure_in_scope(locked, actor=actor, current=current)
    return locked, current


def _ensure_in_scope(locked: RealEstate, *, actor: User, current: LockedActor) -> None:
    """A collector writes their own real estates only; the request found this one in its actor's
    scope (`visible_to`), but a manager demoted since is a collector now (403)."""
    if current.role not in REVIEWER_ROLES and locked.collected_by_id != actor.pk:
        raise errors.PermissionDenied()


def _check_version(locked: RealEstate, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise errors.PreconditionFailed()


def _checked_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`fields` as they are written: a decimal `-0` (a price, an area, a coordinate, from the API,
    the admin's form or a command) is 0, as PostgreSQL stores it, so the instance returned and the
    audit event say 0 too, whichever path sent it."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")  # a programming error, not a client's
    return {
        name: value.copy_abs() if isinstance(value, Decimal) and value.is_zero() else value
        for name, value in fields.items()
    }


def _record(
    *, real_estate: RealEstate, from_status: str, to_status: str, actor: User | None, reason: str = ""
) -> None:
    RealEstateTransition.objects.create(
        real_estate=real_estate, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )


def _save(real_estate: RealEstate, update_fields: Iterable[str]) -> None:
    real_estate.version += 1
    real_estate.updated_at = timezone.now()
    real_estate.save(update_fields=[*set(update_fields), "version", "updated_at"])
    sync_record_change(real_estate=real_estate)
    _invalidate_lists_on_commit()


@transaction.atomic
def real_estate_create(*, actor: User, fields: Mapping[str, Any]) -> RealEstate:
    """A new draft collected by `actor`."""
    fields = _checked_fields(fields)
    # The name as committed, read under the lock a rename's update of the user row waits for: a
    # rename committing meanwhile is read here, or waits and then copies its name to this row too.
    name = _lock_actor(actor).name
    real_estate = RealEstate(**fields, collected_by=actor, collected_by_name=name, status=Status.DRAFT)
    _refresh_search_text(real_estate)
    real_estate.save(force_insert=True)
    audit_record(
        actor=actor,
        action="real_estate.create",
        target=real_estate,
        changes=audit_created(real_estate, AUDITED_FIELDS),
    )
    sync_record_change(real_estate=real_estate, created=True)
    _invalidate_lists_on_commit()
    return real_estate


@transaction.atomic
def real_estate_update(
    *,
    real_estate: RealEstate,
    actor: User,
    fields: Mapping[str, Any],
    expected_version: int | None = None,
) -> RealEstate:
    """Edit a draft or rejected real estate. Its collector editing a rejected one sends it
    back to draft (recorded in the history). `expected_version` comes from `If-Match`.

    An edit that changes no value (no fields, or the values it has) writes nothing, as the
    admin's save of an unchanged form: same version (others' `If-Match` still holds), no audit
    event, no sync change, and a rejected one stays rejected. Its preconditions still answer."""
    fields = _checked_fields(fields)
    locked, _ = _lock(real_estate, actor=actor)
    _check_version(locked, expected_version)
    real_estate_ensure_editable(real_estate=locked)
    if all(getattr(locked, name) == value for name, value in fields.items()):
        return locked
    before = audit_snapshot(locked, AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(locked, name, value)
    _refresh_search_text(locked)
    changed = {*fields, "search_text"}
    if _reopen_if_rejected(locked, actor=actor):
        changed.add("status")
    _save(locked, changed)
    changes = audit_diff(before, audit_snapshot(locked, AUDITED_FIELDS))
    audit_record(actor=actor, action="real_estate.update", target=locked, changes=changes)
    return locked


@transaction.atomic
def real_estate_delete(*, real_estate: RealEstate, actor: User, expected_version: int | None = None) -> None:
    """Collectors delete their own drafts and rejected ones; managers and admins any."""
    locked, current = _lock(real_estate, actor=actor)
    _check_version(locked, expected_version)
    if current.role not in REVIEWER_ROLES and locked.status not in EDITABLE_STATUSES:
        raise errors.RealEstateNotEditable()
    changes = audit_deleted(locked, AUDITED_FIELDS)
    audit_record(actor=actor, action="real_estate.delete", target=locked, changes=changes)
    sync_record_change(real_estate=locked, deleted=True)
    locked.delete()
    _invalidate_lists_on_commit()


@transaction.atomic
def real_estate_delete_many(*, real_estates: Iterable[RealEstate], actor: User) -> None:
    """Several deletions in one transaction, all or nothing (the Django admin's bulk delete), each
    as `real_estate_delete`, after the actor's row and in primary-key order whatever the order
    they were listed in: the order of every service locking several real estates (the erasure's
    `sync_forget_collector`, a rename's `_update_and_record`; ADR 0015), so a bulk delete and
    one of those wait for each other instead of deadlocking. A refusal of one (deleted meanwhile)
    is raised, its message led by that real estate's title. (Python orders UUIDs as PostgreSQL
    does: by their bytes.)"""
    _lock_actor(actor)
    for real_estate in sorted(real_estates, key=lambda listed: listed.pk):
        try:
            real_estate_delete(real_estate=real_estate, actor=actor)
        except errors.ApiError as error:
            error.message = f"{real_estate.title}: {error.message}"
            raise


@transaction.atomic
def real_estate_submit(
    *, real_estate: RealEstate, actor: User, expected_version: int | None = None
) -> RealEstate:
    """draft → submitted, by its collector, with at least one photo."""
    if real_estate.collected_by_id != actor.pk:
        raise errors.PermissionDenied()
    locked, _ = _lock(real_estate, actor=actor)
    _check_version(locked, expected_version)
    if locked.status != Status.DRAFT:
        raise errors.RealEstateCannotSubmit()
    if locked.photo_count < 1:
        raise errors.RealEstateNeedsPhoto()
    return _move(locked, to_status=Status.SUBMITTED, actor=actor)


@transaction.atomic
def real_estate_approve(
    *, real_estate: RealEstate, actor: User, expected_version: int | None = None
) -> RealEstate:
    """submitted → approved, by a manager or admin."""
    _require_reviewer(actor)
    locked, _ = _lock(real_estate, actor=actor, reviewer=True)
    _check_version(locked, expected_version)
    if locked.status != Status.SUBMITTED:
        raise errors.RealEstateCannotApprove()
    return _move(locked, to_status=Status.APPROVED, actor=actor, reviewed=True, rejection_reason="")


@transaction.atomic
def real_estate_reject(
    *, real_estate: RealEstate, actor: User, reason: str, expected_version: int | None = None
) -> RealEstate:
    """submitted → rejected, by a manager or admin, with a reason."""
    reason = reason.strip()
    if is_blank(reason):  # nothing a reader sees (docs/adr/0094) on every path, not only the API's
        raise errors.ValidationError(
            fields={
                "reason": [
                    {
                        "code": errors.REJECTION_REASON_REQUIRED.code,
                        "message": str(errors.REJECTION_REASON_REQUIRED.message),
                    }
                ]
            }
        )
    _require_reviewer(actor)
    locked, _ = _lock(real_estate, actor=actor, reviewer=True)
    _check_version(locked, expected_version)
    if locked.status != Status.SUBMITTED:
        raise errors.RealEstateCannotReject()
    return _move(
        locked, to_status=Status.REJECTED, actor=actor, reason=reason, reviewed=True, rejection_reason=reason
    )


@transaction.atomic
def real_estate_archive(
    *, real_estate: RealEstate, actor: User, expected_version: int | None = None
) -> RealEstate:
    """approved → archived, by a manager or admin."""
    _require_reviewer(actor)
    locked, _ = _lock(real_estate, actor=actor, reviewer=True)
    _check_version(locked, expected_version)
    if locked.status != Status.APPROVED:
        raise errors.RealEstateCannotArchive()
    return _move(locked, to_status=Status.ARCHIVED, actor=actor)


# --- The editing rules, shared with the media services (docs/architecture.md) -----------------


def real_estate_ensure_editable(*, real_estate: RealEstate) -> None:
    """Fields and photos change only while `draft` or `rejected`, whoever asks (409 otherwise)."""
    if real_estate.status not in EDITABLE_STATUSES:
        raise errors.RealEstateNotEditable()


def real_estate_lock_for_edit(*, real_estate_id: UUID, actor: User) -> RealEstate:
    """For the media services, inside their transaction, before any lock of theirs: the actor's
    row locked (`_lock_actor`: erased meanwhile is a 401), then the real estate's, within the
    actor's scope (`visible_to`, as the API reads it: another collector's is a 404) and editable
    (409), by its actor as committed (`_lock_actor`, `_ensure_in_scope`: deactivated or demoted
    meanwhile is a 403)."""
    current = _lock_actor(actor)
    try:
        locked = RealEstate.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=real_estate_id)
    except RealEstate.DoesNotExist:
        raise errors.RealEstateNotFound() from None
    _ensure_in_scope(locked, actor=actor, current=current)
    real_estate_ensure_editable(real_estate=locked)
    return locked


def real_estate_reopen_if_rejected(*, real_estate: RealEstate, actor: User) -> bool:
    """For the media services, inside their transaction, on the row they locked: a change to a
    rejected real estate by its collector makes it a draft again, recorded in the history."""
    if not _reopen_if_rejected(real_estate, actor=actor):
        return False
    RealEstate.objects.filter(pk=real_estate.pk).update(status=Status.DRAFT)
    sync_record_change(real_estate=real_estate)
    changes = {"status": [Status.REJECTED.value, Status.DRAFT.value]}
    audit_record(actor=actor, action="real_estate.update", target=real_estate, changes=changes)
    return True


def _reopen_if_rejected(locked: RealEstate, *, actor: User) -> bool:
    # SPEC §2: "rejected → draft when its collector edits it"; the only owner of that rule.
    if locked.status != Status.REJECTED or locked.collected_by_id != actor.pk:
        return False
    locked.status = Status.DRAFT
    _record(real_estate=locked, from_status=Status.REJECTED, to_status=Status.DRAFT, actor=actor)
    return True


def _require_reviewer(actor: User) -> None:
    """Fails fast on the role the request was authenticated with; checked again under the
    actor's lock (`_lock_actor(reviewer=True)`)."""
    if not actor.is_manager_or_admin:
        raise errors.PermissionDenied()


def _move(
    locked: RealEstate,
    *,
    to_status: str,
    actor: User,
    reason: str = "",
    reviewed: bool = False,
    rejection_reason: str | None = None,
) -> RealEstate:
    """The transition itself; `rejection_reason` None keeps the current one."""
    before = audit_snapshot(locked, _TRANSITION_FIELDS)
    from_status = locked.status
    locked.status = to_status
    if rejection_reason is not None:
        locked.rejection_reason = rejection_reason
    changed = ["status", "rejection_reason"]
    if reviewed:
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        changed += ["reviewed_by", "reviewed_at"]
    _record(real_estate=locked, from_status=from_status, to_status=to_status, actor=actor, reason=reason)
    _save(locked, changed)
    changes = audit_diff(before, audit_snapshot(locked, _TRANSITION_FIELDS))
    audit_record(actor=actor, action=_TRANSITION_ACTIONS[to_status], target=locked, changes=changes)
    return locked


def real_estate_photo_count_changed(
    *, real_estate: RealEstate, delta: int, cover_blob_id: int | None, cover_key: str | None
) -> None:
    """For the media services, inside their transaction: keep `photo_count`, the cover (the
    first photo's blob and its thumbnail's key) and the ETag right."""
    RealEstate.objects.filter(pk=real_estate.pk).update(
        photo_count=F("photo_count") + delta,
        cover_blob_id=cover_blob_id,
        cover_key=cover_key,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    sync_record_change(real_estate=real_estate)


@transaction.atomic
def real_estate_cover_thumbnail_made(*, blob_id: int, key: str) -> int:
    """For the media services, once a blob's 256 px thumbnail is committed: every real estate
    whose cover it is shows it. Idempotent; returns how many rows it changed. A thumbnail
    appearing is no edit: it bumps no ETag (but offline clients sync the new cover).

    Only while `key` is still the blob's: a caller read it before this (a run on a `ready` blob,
    a photo write's look after its commit), and a rebuild linking new keys and copying them in
    between left the covers on the new one, which the old one would replace (the collector then
    deletes its object). A rebuild committing after this read waits for these rows, then copies
    its own."""
    covers = RealEstate.objects.filter(cover_blob_id=blob_id, cover_blob__thumbnail_256_key=key)
    return _update_and_record(covers.exclude(cover_key=key), cover_key=key)


def _update_and_record(queryset: "QuerySet[RealEstate]", **values: Any) -> int:
    """`queryset.update(**values)` on the rows it locks, each recorded as a sync change. Locked
    in primary-key order, as every service locking several real estates does (ADR 0015)."""
    ids = list(queryset.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    changed = RealEstate.objects.filter(pk__in=ids).update(**values)
    sync_record_changes(real_estate_ids=ids)
    return changed


def real_estate_collector_renamed(*, user: User) -> int:
    """Copy a user's name to the real estates they collected (the list reads it from there).
    Returns how many rows it changed."""
    return _update_and_record(
        RealEstate.objects.filter(collected_by=user).exclude(collected_by_name=user.name),
        collected_by_name=user.name,
    )


def real_estate_collector_deleted(*, user: User) -> int:
    """Before a user's row goes (`collected_by` and `reviewed_by` then become null): nothing of
    their name stays on the real estates they collected. Returns how many rows it changed.

    First it locks every real estate they collected or reviewed, in primary-key order (ADR 0015),
    so the erasure's scrubbing of the audit trail comes after any write on them in flight: a
    review by someone else that read `reviewed_by = user` commits first, and its event (`reviewed_by:
    [<user>, <other>]`) is then found and pseudonymised; a later one waits and reads no reviewer."""
    list(
        RealEstate.objects.filter(Q(collected_by=user) | Q(reviewed_by=user))
        .order_by("pk")
        .select_for_update(of=("self",))
        .values_list("pk")
    )
    # Every one of them changes (its collector becomes null): each is a sync change, and the
    # sync log forgets the user's id.
    sync_record_changes(
        real_estate_ids=list(RealEstate.objects.filter(collected_by=user).values_list("pk", flat=True))
    )
    sync_forget_collector(user_id=user.pk)
    _invalidate_lists_on_commit()  # the counts and stats filtered by `collected_by=<them>`
    return (
        RealEstate.objects.filter(collected_by=user)
        .exclude(collected_by_name="")
        .update(collected_by_name="")
    )
