"""Input shapes without a database: unknown and read-only fields are refused by name."""

import pytest

from apps.users.api.serializers import (
    ProfileUpdateInputSerializer,
    SignInInputSerializer,
    SignUpInputSerializer,
    UserUpdateInputSerializer,
)


def test_unknown_fields_are_refused_each_by_name() -> None:
    serializer = ProfileUpdateInputSerializer(data={"name": "Joana Prado", "role": "admin", "cpf": "1"})
    assert not serializer.is_valid()
    assert {field: [e.code for e in errs] for field, errs in serializer.errors.items()} == {
        "cpf": ["field_not_allowed"],
        "role": ["field_not_allowed"],
    }


def test_a_non_object_body_is_a_shape_error_not_a_crash() -> None:
    serializer = SignInInputSerializer(data=["52998224725", "x"])
    assert not serializer.is_valid()
    assert "non_field_errors" in serializer.errors


def test_a_formatted_cpf_is_validated_to_digits() -> None:
    serializer = SignUpInputSerializer(
        data={"cpf": " 529.982.247-25 ", "name": "Maria da Silva", "password": "uma-senha-bem-longa-42"}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["cpf"] == "52998224725"


def test_passwords_are_not_trimmed() -> None:
    serializer = SignInInputSerializer(data={"cpf": "52998224725", "password": "  spaced  "})
    assert serializer.is_valid()
    assert serializer.validated_data["password"] == "  spaced  "


@pytest.mark.parametrize("length", [1025, 10_000])
def test_overlong_passwords_are_refused_before_any_hashing(length: int) -> None:
    serializer = SignInInputSerializer(data={"cpf": "52998224725", "password": "x" * length})
    assert not serializer.is_valid()
    assert serializer.errors["password"][0].code == "max_length"


def test_an_admin_update_only_carries_the_fields_sent() -> None:
    serializer = UserUpdateInputSerializer(data={"is_active": False})
    assert serializer.is_valid()
    assert dict(serializer.validated_data) == {"is_active": False}
