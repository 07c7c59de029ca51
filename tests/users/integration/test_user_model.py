import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.users.models import Role, User
from tests.users.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_stores_the_cpf_as_digits_and_defaults_to_collector() -> None:
    user = User.objects.create_user(cpf="529.982.247-25", name="  Maria Silva ", password="s3cret-pass!")
    assert user.cpf == "52998224725"
    assert user.name == "Maria Silva"
    assert user.role == Role.COLLECTOR
    assert user.check_password("s3cret-pass!")
    assert not user.is_staff
    assert not user.is_superuser


def test_create_user_rejects_an_invalid_cpf() -> None:
    with pytest.raises(ValidationError) as excinfo:
        User.objects.create_user(cpf="111.111.111-11", name="Maria Silva", password="x")
    assert excinfo.value.error_dict["cpf"][0].code == "cpf_invalid"


def test_create_user_rejects_a_short_name() -> None:
    with pytest.raises(ValidationError) as excinfo:
        User.objects.create_user(cpf="52998224725", name=" Ana ", password="x")
    assert excinfo.value.error_dict["name"][0].code == "name_length"


def test_create_superuser_is_an_admin_with_admin_access() -> None:
    user = User.objects.create_superuser(cpf="52998224725", name="Root Admin", password="x", is_staff=True)
    assert user.role == Role.ADMIN
    assert user.is_superuser
    assert user.is_staff
    assert user.has_perm("users.delete_user")


def test_managers_reach_the_admin_with_a_limited_permission_set() -> None:
    manager = UserFactory(role=Role.MANAGER)
    assert manager.is_staff
    assert not manager.is_superuser
    assert manager.has_perm("users.view_user")
    assert not manager.has_perm("users.change_user")
    assert not manager.has_perm("users.delete_user")


def test_collectors_have_no_admin_access() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    assert not collector.is_staff
    assert not collector.has_perm("users.view_user")


def test_email_is_unique_regardless_of_case() -> None:
    UserFactory(email="Maria@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="maria@example.com")


def test_many_users_may_have_no_email() -> None:
    UserFactory(email=None)
    UserFactory(email=None)
    assert User.objects.filter(email__isnull=True).count() == 2


def test_the_database_refuses_a_cpf_that_is_not_eleven_digits() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(cpf="123", name="Maria Silva")])


def test_the_database_refuses_an_unknown_role() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(cpf="52998224725", name="Maria Silva", role="owner")])


def test_authenticate_accepts_a_formatted_cpf() -> None:
    UserFactory(cpf="52998224725")
    assert authenticate(username="529.982.247-25", password=DEFAULT_PASSWORD) is not None
    assert authenticate(username="529.982.247-25", password="wrong") is None


def test_search_matches_name_or_cpf_prefix() -> None:
    maria = UserFactory(name="Maria Souza", cpf="52998224725")
    UserFactory(name="João Lima", cpf="11144477735")
    assert list(User.objects.search("souza")) == [maria]
    assert list(User.objects.search("529.982")) == [maria]
    assert User.objects.search("").count() == 2


def test_inactive_users_are_excluded_from_active() -> None:
    UserFactory(is_active=False)
    active = UserFactory()
    assert list(User.objects.active()) == [active]
