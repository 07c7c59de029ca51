"""No one locks the platform out (ADR 0012), counting only the admins who can still sign in
(docs/adr/0018): an active admin whose password sign-in was disabled cannot sign in, so they do
not keep the platform administered. Sequentially the rule held already (the acting admin is one who
signed in); this is about an admin whose password was disabled while a request of theirs was in
flight, and about operators' commands, which have no signed-in actor."""

from collections.abc import Callable

import pytest
from django.utils import translation

from apps.core import errors
from apps.users import services
from apps.users.models import Role, User
from tests.threads import waiting_for
from tests.users.factories import UserFactory

TAKE_RIGHTS: dict[str, Callable[[User, User], object]] = {
    "disable password": lambda user, actor: services.user_set_password(user=user, actor=actor, password=None),
    "deactivate": lambda user, actor: services.user_update(user=user, actor=actor, is_active=False),
    "demote": lambda user, actor: services.user_update(user=user, actor=actor, role=Role.MANAGER),
    "erase": lambda user, actor: services.user_delete(user=user, actor=actor),
}

OPERATOR_TAKES_RIGHTS: dict[str, Callable[[User], object]] = {
    "disable password": lambda user: services.user_set_password(user=user, actor=None, password=None),
    "erase": lambda user: services.user_delete(user=user, actor=None),
}


def _can_sign_in_as_admin() -> list[User]:
    return [u for u in User.objects.filter(role=Role.ADMIN, is_active=True) if u.has_usable_password()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("take_rights", TAKE_RIGHTS.values(), ids=TAKE_RIGHTS.keys())
def test_an_admin_whose_password_is_disabled_meanwhile_cannot_take_the_last_usable_admins_rights(
    take_rights: Callable[[User, User], object],
) -> None:
    """Two admins: the second disables the first's password sign-in while a request of the first's
    (authenticated before) waits for the admins' rows, then takes the second's rights: refused,
    one admin can still sign in."""
    first, second = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)

    outcome = waiting_for(
        lambda: services.user_set_password(user=first, actor=second, password=None),
        lambda: take_rights(second, first),
    )

    assert isinstance(outcome, errors.LastActiveAdmin), outcome
    assert _can_sign_in_as_admin() == [User.objects.get(pk=second.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("take_rights", OPERATOR_TAKES_RIGHTS.values(), ids=OPERATOR_TAKES_RIGHTS.keys())
def test_an_operator_cannot_take_the_rights_of_the_last_admin_who_can_sign_in(
    take_rights: Callable[[User], object],
) -> None:
    last = UserFactory(role=Role.ADMIN)
    locked_out = UserFactory(role=Role.ADMIN)
    services.user_set_password(user=locked_out, actor=last, password=None)

    with pytest.raises(errors.LastActiveAdmin):
        take_rights(last)

    assert User.objects.get(pk=last.pk) in _can_sign_in_as_admin()


@pytest.mark.django_db
def test_an_admin_may_still_take_rights_while_another_admin_can_sign_in() -> None:
    actor, target = UserFactory(role=Role.ADMIN), UserFactory(role=Role.ADMIN)
    locked_out = UserFactory(role=Role.ADMIN)
    services.user_set_password(user=locked_out, actor=actor, password=None)

    services.user_set_password(user=target, actor=actor, password=None)

    assert _can_sign_in_as_admin() == [User.objects.get(pk=actor.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "way_out"), [("en", "password"), ("pt-br", "senha")])
def test_the_refusal_names_restoring_another_admins_password_as_a_way_out(
    language: str, way_out: str
) -> None:
    """Another active admin exists, but cannot sign in: promoting or reactivating someone is not
    the only way out the message may name, restoring that admin's password is one too."""
    last = UserFactory(role=Role.ADMIN)
    locked_out = UserFactory(role=Role.ADMIN)
    services.user_set_password(user=locked_out, actor=last, password=None)

    with pytest.raises(errors.LastActiveAdmin) as refused:
        services.user_delete(user=last, actor=None)

    with translation.override(language):
        assert way_out in str(refused.value.message)
