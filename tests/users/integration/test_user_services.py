"""Services called directly (as commands and other apps will): the model's rules still hold."""

import pytest
from django.db import IntegrityError

from apps.core import errors
from apps.users import services
from apps.users.models import User
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


@pytest.mark.parametrize(
    ("field", "error"), [("cpf", errors.CpfAlreadyRegistered), ("email", errors.EmailAlreadyRegistered)]
)
def test_a_lost_uniqueness_race_is_its_catalog_error(field: str, error: type[errors.ApiError]) -> None:
    existing = UserFactory(email="taken@example.com")
    # What the loser of a race between the existence check and the INSERT meets.
    racer = UserFactory.build(email="other@example.com")
    setattr(racer, field, getattr(existing, field).upper())
    with pytest.raises(error):
        services._save(racer, force_insert=True)


def test_other_integrity_errors_are_not_disguised() -> None:
    racer = UserFactory.build(name="Al")  # breaks the name-length CHECK constraint
    with pytest.raises(IntegrityError):
        services._save(racer, force_insert=True)


def test_an_update_without_changes_writes_nothing(admin_user: User) -> None:
    user = UserFactory()
    before = user.updated_at
    services.user_update(user=user, actor=admin_user, name=user.name, role=user.role, is_active=True)
    services.user_update_profile(user=user, email=user.email)
    user.refresh_from_db()
    assert user.updated_at == before
