"""Services called directly (as commands and other apps will): the model's rules still hold."""

import pytest

from apps.core import errors
from apps.users import services
from apps.users.models import Role, User
from tests.threads import run_at_once
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "uma-senha-bem-longa-42"


def test_a_service_caller_cannot_store_an_unknown_role(admin_user: User) -> None:
    with pytest.raises(errors.ValidationError) as excinfo:
        services.user_create(
            actor=admin_user, cpf="52998224725", name="Maria Silva", password=PASSWORD, role="owner"
        )
    assert excinfo.value.fields is not None
    assert excinfo.value.fields["role"][0]["code"] == "invalid_choice"
    assert not User.objects.filter(cpf="52998224725").exists()


def test_a_service_caller_cannot_store_a_short_name(admin_user: User) -> None:
    user = UserFactory()
    with pytest.raises(errors.ValidationError) as excinfo:
        services.user_update(user=user, actor=admin_user, name=" Ana ")
    assert excinfo.value.fields == {
        "name": [{"code": "name_length", "message": "The name must have between 4 and 150 characters."}]
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("field", "error"), [("cpf", errors.CpfAlreadyRegistered), ("email", errors.EmailAlreadyRegistered)]
)
def test_two_accounts_created_at_once_with_one_cpf_or_email_make_one_and_a_catalog_error(
    field: str, error: type[errors.ApiError]
) -> None:
    # Whichever way the two interleave (one sees the other's row, or both insert and one loses
    # on the unique constraint), the loser meets the catalog error, never an IntegrityError.
    first = {"cpf": "52998224725", "email": "taken@example.com"}
    second = {"cpf": "11144477735", "email": "other@example.com"}
    second[field] = first[field].upper()

    def create(data: dict[str, str]) -> object:
        return services.user_create(
            actor=None, name="Maria Silva", password=PASSWORD, role=Role.COLLECTOR, **data
        )

    outcomes = run_at_once(lambda: create(first), lambda: create(second))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == sorted(["User", error.__name__])
    assert User.objects.count() == 1


def test_an_update_without_changes_writes_nothing(admin_user: User) -> None:
    user = UserFactory()
    before = user.updated_at
    services.user_update(user=user, actor=admin_user, name=user.name, role=user.role, is_active=True)
    services.user_update_profile(user=user, email=user.email)
    user.refresh_from_db()
    assert user.updated_at == before
