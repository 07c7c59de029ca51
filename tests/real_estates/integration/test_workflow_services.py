"""The review workflow: only the transitions SPEC allows, by the roles it names, all recorded."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.core import errors
from apps.real_estates import services
from apps.real_estates.models import RealEstate, RealEstateTransition, Status
from apps.users.models import Role, User
from tests.real_estates.conftest import MakeRealEstate, history_of
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_STATUSES = list(Status.values)


def _submit(real_estate: RealEstate, actor: User) -> RealEstate:
    return services.real_estate_submit(real_estate=real_estate, actor=actor)


def _approve(real_estate: RealEstate, actor: User) -> RealEstate:
    return services.real_estate_approve(real_estate=real_estate, actor=actor)


def _reject(real_estate: RealEstate, actor: User) -> RealEstate:
    return services.real_estate_reject(real_estate=real_estate, actor=actor, reason="Faltam fotos da fachada")


def _archive(real_estate: RealEstate, actor: User) -> RealEstate:
    return services.real_estate_archive(real_estate=real_estate, actor=actor)


Action = Callable[[RealEstate, User], RealEstate]

# action, the status it moves from, the status it moves to, the 409 raised from any other status
TRANSITIONS: list[tuple[Action, str, str, type[errors.ApiError]]] = [
    (_submit, Status.DRAFT, Status.SUBMITTED, errors.RealEstateCannotSubmit),
    (_approve, Status.SUBMITTED, Status.APPROVED, errors.RealEstateCannotApprove),
    (_reject, Status.SUBMITTED, Status.REJECTED, errors.RealEstateCannotReject),
    (_archive, Status.APPROVED, Status.ARCHIVED, errors.RealEstateCannotArchive),
]
# Who may run each action: "owner" is the real estate's own collector.
ALLOWED_ACTORS: dict[Action, set[str]] = {
    _submit: {"owner"},
    _approve: {Role.MANAGER, Role.ADMIN},
    _reject: {Role.MANAGER, Role.ADMIN},
    _archive: {Role.MANAGER, Role.ADMIN},
}
ACTORS = ["owner", "other_collector", Role.MANAGER, Role.ADMIN]


def _actor(kind: str, owner: User) -> User:
    if kind == "owner":
        return owner
    if kind == "other_collector":
        return UserFactory(role=Role.COLLECTOR)
    return UserFactory(role=kind)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t[0].__name__)
@pytest.mark.parametrize("actor_kind", ACTORS)
def test_each_transition_is_allowed_only_to_its_roles(
    transition: tuple[Action, str, str, Any],
    actor_kind: str,
    make_real_estate: MakeRealEstate,
    collector: User,
) -> None:
    action, source, target, _ = transition
    real_estate = make_real_estate(status=source, photos=1)
    actor = _actor(actor_kind, collector)
    version, before = real_estate.version, history_of(real_estate)
    if actor_kind in ALLOWED_ACTORS[action]:
        result = action(real_estate, actor)
        result.refresh_from_db()
        assert result.status == target
        assert result.version == version + 1
        assert history_of(real_estate) == [*before, (source, target)]
        assert RealEstateTransition.objects.filter(real_estate=real_estate).latest("at", "id").actor == actor
    else:
        with pytest.raises(errors.PermissionDenied):
            action(real_estate, actor)
        real_estate.refresh_from_db()
        assert real_estate.status == source
        assert history_of(real_estate) == before


DISALLOWED = [
    (action, current, error)
    for action, source, _target, error in TRANSITIONS
    for current in ALL_STATUSES
    if current != source
]


@pytest.mark.parametrize("case", DISALLOWED, ids=lambda c: f"{c[0].__name__}-from-{c[1]}")
def test_a_transition_from_any_other_status_is_a_conflict_with_its_own_code(
    case: tuple[Action, str, type[errors.ApiError]],
    make_real_estate: MakeRealEstate,
    collector: User,
    manager: User,
) -> None:
    action, current, error = case
    real_estate = make_real_estate(status=current)
    actor = collector if action is _submit else manager
    before = history_of(real_estate)
    with pytest.raises(error) as raised:
        action(real_estate, actor)
    assert raised.value.status_code == 409
    real_estate.refresh_from_db()
    assert real_estate.status == current
    assert history_of(real_estate) == before


def test_submitting_needs_at_least_one_photo(make_real_estate: MakeRealEstate, collector: User) -> None:
    real_estate = make_real_estate(status=Status.DRAFT, photos=0)
    with pytest.raises(errors.RealEstateNeedsPhoto):
        services.real_estate_submit(real_estate=real_estate, actor=collector)
    real_estate.refresh_from_db()
    assert real_estate.status == Status.DRAFT


def test_approval_records_the_reviewer(make_real_estate: MakeRealEstate, manager: User) -> None:
    real_estate = services.real_estate_approve(
        real_estate=make_real_estate(status=Status.SUBMITTED), actor=manager
    )
    assert real_estate.reviewed_by == manager
    assert real_estate.reviewed_at is not None


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u2060 \ufeff"])
def test_a_rejection_needs_a_reason(make_real_estate: MakeRealEstate, manager: User, reason: str) -> None:
    real_estate = make_real_estate(status=Status.SUBMITTED)
    with pytest.raises(errors.ValidationError) as raised:
        services.real_estate_reject(real_estate=real_estate, actor=manager, reason=reason)
    assert raised.value.fields == {
        "reason": [
            {
                "code": errors.REJECTION_REASON_REQUIRED.code,
                "message": str(errors.REJECTION_REASON_REQUIRED.message),
            }
        ]
    }
    real_estate.refresh_from_db()
    assert real_estate.status == Status.SUBMITTED


def test_a_rejection_keeps_its_reason_in_the_row_and_the_history(
    make_real_estate: MakeRealEstate, manager: User
) -> None:
    real_estate = services.real_estate_reject(
        real_estate=make_real_estate(status=Status.SUBMITTED), actor=manager, reason="  Endereço incompleto "
    )
    assert real_estate.rejection_reason == "Endereço incompleto"
    last = RealEstateTransition.objects.filter(real_estate=real_estate).latest("at", "id")
    assert (last.to_status, last.reason) == (Status.REJECTED, "Endereço incompleto")


def test_the_collector_editing_a_rejected_real_estate_sends_it_back_to_draft(
    make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate(status=Status.REJECTED)
    before = history_of(real_estate)
    updated = services.real_estate_update(
        real_estate=real_estate, actor=collector, fields={"title": "Casa reformada"}
    )
    assert updated.status == Status.DRAFT
    assert history_of(real_estate) == [*before, (Status.REJECTED, Status.DRAFT)]


def test_a_manager_editing_a_rejected_real_estate_leaves_it_rejected(
    make_real_estate: MakeRealEstate, manager: User
) -> None:
    real_estate = make_real_estate(status=Status.REJECTED)
    before = history_of(real_estate)
    updated = services.real_estate_update(real_estate=real_estate, actor=manager, fields={"title": "Casa"})
    assert updated.status == Status.REJECTED
    assert history_of(real_estate) == before


@pytest.mark.parametrize("current", [Status.SUBMITTED, Status.APPROVED, Status.ARCHIVED])
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.MANAGER, Role.ADMIN])
def test_only_drafts_and_rejected_ones_can_be_edited(
    make_real_estate: MakeRealEstate, collector: User, current: str, role: str
) -> None:
    real_estate = make_real_estate(status=current)
    actor = collector if role == Role.COLLECTOR else UserFactory(role=role)
    with pytest.raises(errors.RealEstateNotEditable):
        services.real_estate_update(real_estate=real_estate, actor=actor, fields={"title": "Outro"})


def test_an_edit_bumps_the_version_and_refreshes_the_search_text(
    make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT)
    updated = services.real_estate_update(
        real_estate=real_estate, actor=collector, fields={"title": "Cobertura no Itaím Bibi"}
    )
    assert updated.version == 2
    assert "cobertura no itaim bibi" in RealEstate.objects.get(pk=real_estate.pk).search_text


def test_an_edit_against_a_stale_version_is_a_precondition_failure(
    make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT)
    services.real_estate_update(real_estate=real_estate, actor=collector, fields={"title": "Primeira"})
    with pytest.raises(errors.PreconditionFailed):
        services.real_estate_update(
            real_estate=real_estate, actor=collector, fields={"title": "Segunda"}, expected_version=1
        )
    assert RealEstate.objects.get(pk=real_estate.pk).title == "Primeira"


@pytest.mark.parametrize("current", [Status.SUBMITTED, Status.APPROVED])
def test_a_collector_cannot_delete_a_real_estate_under_review_or_approved(
    make_real_estate: MakeRealEstate, collector: User, current: str
) -> None:
    real_estate = make_real_estate(status=current)
    with pytest.raises(errors.RealEstateNotEditable):
        services.real_estate_delete(real_estate=real_estate, actor=collector)
    assert RealEstate.objects.filter(pk=real_estate.pk).exists()


def test_a_manager_may_delete_in_any_status(make_real_estate: MakeRealEstate, manager: User) -> None:
    real_estate = make_real_estate(status=Status.APPROVED)
    services.real_estate_delete(real_estate=real_estate, actor=manager)
    assert not RealEstate.objects.filter(pk=real_estate.pk).exists()


def test_a_full_review_cycle_is_recorded_in_order(
    make_real_estate: MakeRealEstate, collector: User, manager: User
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT, photos=2)
    version = real_estate.version
    services.real_estate_submit(real_estate=real_estate, actor=collector)
    services.real_estate_reject(real_estate=real_estate, actor=manager, reason="Preço errado")
    services.real_estate_update(real_estate=real_estate, actor=collector, fields={"price": 1})
    services.real_estate_submit(real_estate=real_estate, actor=collector)
    services.real_estate_approve(real_estate=real_estate, actor=manager)
    services.real_estate_archive(real_estate=real_estate, actor=manager)
    assert history_of(real_estate) == [
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.REJECTED),
        (Status.REJECTED, Status.DRAFT),
        (Status.DRAFT, Status.SUBMITTED),
        (Status.SUBMITTED, Status.APPROVED),
        (Status.APPROVED, Status.ARCHIVED),
    ]
    real_estate.refresh_from_db()
    assert real_estate.version == version + 6
    assert real_estate.rejection_reason == ""


def test_photo_count_changes_keep_the_counter_and_the_etag_right(make_real_estate: MakeRealEstate) -> None:
    real_estate = make_real_estate(status=Status.DRAFT, photos=0)
    services.real_estate_photo_count_changed(
        real_estate=real_estate, delta=1, cover_blob_id=None, cover_key=None
    )
    real_estate.refresh_from_db()
    assert (real_estate.photo_count, real_estate.version) == (1, 2)


# --- the editing rules the media services call (docs/architecture.md "Editing rules") ---------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.ARCHIVED])
@pytest.mark.parametrize("role", [Role.COLLECTOR, Role.MANAGER, Role.ADMIN])
def test_no_role_locks_a_real_estate_for_editing_outside_draft_and_rejected(
    make_real_estate: MakeRealEstate, collector: User, status: str, role: str
) -> None:
    real_estate = make_real_estate(status=status)
    actor = collector if role == Role.COLLECTOR else UserFactory(role=role)

    with pytest.raises(errors.RealEstateNotEditable):
        services.real_estate_lock_for_edit(real_estate_id=real_estate.pk, actor=actor)


def test_another_collectors_real_estate_cannot_be_locked_for_editing(
    make_real_estate: MakeRealEstate,
) -> None:
    real_estate = make_real_estate(status=Status.DRAFT)

    with pytest.raises(errors.RealEstateNotFound):
        services.real_estate_lock_for_edit(
            real_estate_id=real_estate.pk, actor=UserFactory(role=Role.COLLECTOR)
        )


def test_a_change_by_its_collector_reopens_a_rejected_real_estate_once(
    make_real_estate: MakeRealEstate, collector: User
) -> None:
    real_estate = make_real_estate(status=Status.REJECTED)
    before = history_of(real_estate)
    locked = services.real_estate_lock_for_edit(real_estate_id=real_estate.pk, actor=collector)

    assert services.real_estate_reopen_if_rejected(real_estate=locked, actor=collector) is True
    assert services.real_estate_reopen_if_rejected(real_estate=locked, actor=collector) is False

    real_estate.refresh_from_db()
    assert real_estate.status == Status.DRAFT
    assert history_of(real_estate) == [*before, (Status.REJECTED, Status.DRAFT)]


def test_a_change_by_a_reviewer_leaves_a_rejected_real_estate_rejected(
    make_real_estate: MakeRealEstate, manager: User
) -> None:
    real_estate = make_real_estate(status=Status.REJECTED)
    before = history_of(real_estate)
    locked = services.real_estate_lock_for_edit(real_estate_id=real_estate.pk, actor=manager)

    assert services.real_estate_reopen_if_rejected(real_estate=locked, actor=manager) is False
    real_estate.refresh_from_db()
    assert real_estate.status == Status.REJECTED
    assert history_of(real_estate) == before


VALID_FIELDS = {"title": "Casa", "kind": "house", "purpose": "sale", "price": Decimal(1),
                "area_m2": Decimal(10), "zip_code": "01001000", "street": "Praça da Sé", "city": "São Paulo",
                "state": "SP", "latitude": Decimal("-23.5"), "longitude": Decimal("-46.6")}  # fmt: skip


@pytest.mark.parametrize("field", ["price", "latitude", "longitude"])
def test_a_negative_zero_is_written_and_audited_as_zero_by_every_path(field: str) -> None:
    """The services own the rule (the API, the admin, a command or a task reach it): `-0` is 0,
    as PostgreSQL stores it, in the instance returned and in the audit event too."""
    collector = UserFactory()
    real_estate = services.real_estate_create(
        actor=collector, fields={**VALID_FIELDS, field: Decimal("-0.00")}
    )
    assert str(getattr(real_estate, field)) in {"0.00", "0"}
    created = AuditEvent.objects.filter(target_id=str(real_estate.pk)).get()
    assert not str(created.changes[field][1]).startswith("-")

    services.real_estate_update(real_estate=real_estate, actor=collector, fields={field: Decimal("1.5")})
    updated = services.real_estate_update(
        real_estate=real_estate, actor=collector, fields={field: Decimal("-0.000000")}
    )
    assert not str(getattr(updated, field)).startswith("-")
    last = AuditEvent.objects.filter(target_id=str(real_estate.pk)).latest("id")
    after = last.changes[field][1]
    assert Decimal(after) == 0
    assert not after.startswith("-")
