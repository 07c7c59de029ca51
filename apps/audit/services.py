"""Writes of the audit trail. Not services of their own: helpers every write service calls
inside its transaction, so an event exists exactly when the change it states committed.

    before = audit_snapshot(user, ("name", "role"))
    ...change and save the user...
    audit_record(actor=actor, action="user.update", target=user,
                 changes=audit_diff(before, audit_snapshot(user, ("name", "role"))))

`changes` is `{field: [before, after]}` with JSON values (decimals and dates as strings,
related rows as their id). Secrets never go in: any field named like a password, hash or
token is dropped by `audit_record` whatever the caller passes.
"""

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any, Final

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from apps.audit.models import AuditAction, AuditEvent
from apps.core.request_context import get_request_id
from apps.users.models import User

SECRET_FIELDS: Final = frozenset(
    {"password", "password_hash", "hash_password", "token", "access", "refresh", "secret", "jti"}
)
PERSONAL_FIELDS: Final = frozenset({"name", "cpf", "email"})
"""A user's fields that identify the person: blanked in that user's events on erasure."""
ERASED: Final = "[erased]"
USER_TARGET: Final = "user"


def audit_value(value: Any) -> Any:
    """A value as it is stored in `changes`: JSON scalars as they are, the rest as JSON text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)  # as DjangoJSONEncoder writes them, without a round trip through JSON
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited values of `fields` on `obj` (a foreign key as the related row's id)."""
    model = type(obj)
    return {name: audit_value(getattr(obj, _attname(model, name))) for name in fields}


@cache  # a model's field names: the same for the whole process
def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return field.attname if isinstance(field, models.Field) else name


def audit_diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for the fields whose value differs (missing counts as None)."""
    return {
        name: [before.get(name), after.get(name)]
        for name in (*before, *(name for name in after if name not in before))
        if before.get(name) != after.get(name)
    }


def audit_created(obj: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    return audit_diff({}, audit_snapshot(obj, fields))


def audit_deleted(obj: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    return audit_diff(audit_snapshot(obj, fields), {})


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_id: Any = None,
    changes: Mapping[str, Sequence[Any]] | None = None,
) -> AuditEvent:
    """Store one event for a change the current transaction makes.

    `action` is one of `AuditAction` (`real_estate.approve`), whose target type it names; any
    other is a programming error, refused before anything is stored. The target is `target` or, for
    a row already deleted, `target_id`. `actor` is None for a command or task acting on its own.
    The request id is the HTTP request's, else the Celery task's id, else none.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record belongs inside the transaction of the write it records")
    if action not in AuditAction:
        raise ValueError(f"action {action!r} is not one of apps.audit.models.AuditAction")
    if target is not None:
        target_id = target.pk
    if target_id is None:
        raise ValueError("an audit event needs a target")
    target_type = action.partition(".")[0]
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        changes={
            name: [audit_value(value) for value in pair]
            for name, pair in (changes or {}).items()
            if name not in SECRET_FIELDS
        },
        request_id=_request_id(),
    )


def _request_id() -> str | None:
    request_id = get_request_id()
    if request_id is None:
        # Outside a request: inside a task, its id. Imported here, so a web worker, whose every
        # write has a request id, never loads Celery (docs/adr/0082).
        from celery import current_task

        if current_task:
            request_id = getattr(current_task.request, "id", None)
    return request_id


def audit_user_erase(*, user: User) -> None:
    """Erasure (LGPD, docs/adr/0013): keep the events as facts, without the person in them.

    Events `user` made lose their actor (shown as a deleted user); events about `user` keep
    which fields changed but not the name, CPF or email; wherever the user's id was written
    (the target of those events, a `reviewed_by` value) a pseudonym replaces it, the same one
    everywhere, so the erased account's events still read as one story but lead to nobody.
    Called by the user erasure service, in its transaction, before the row goes.
    """
    user_id = str(user.pk)
    pseudonym = f"erased-{uuid.uuid4().hex}"
    about = AuditEvent.objects.about(target_type=USER_TARGET, target_id=user_id)
    # Whoever made it: a review by someone else names the previous reviewer as its `reviewed_by`
    # before value (rejected by them, approved by another). One scan of the trail per erasure.
    mentioning = AuditEvent.objects.filter(changes__icontains=user_id)
    events = list((about | mentioning).select_for_update().only("id", "target_type", "target_id", "changes"))
    for event in events:
        is_about = event.target_type == USER_TARGET and event.target_id == user_id
        event.changes = {
            name: _scrubbed(pair, user_id, pseudonym, personal=is_about and name in PERSONAL_FIELDS)
            for name, pair in event.changes.items()
        }
        if is_about:
            event.target_id = pseudonym
    AuditEvent.objects.bulk_update(events, ["changes", "target_id"], batch_size=500)
    AuditEvent.objects.by_actor(user.pk).update(actor=None, actor_erased=True)


def _scrubbed(pair: list[Any], user_id: str, pseudonym: str, *, personal: bool) -> list[Any]:
    """[before, after] of an erased user's event: personal data blanked, their id pseudonymised."""
    return [
        None if value is None else ERASED if personal else pseudonym if value == user_id else value
        for value in pair
    ]
