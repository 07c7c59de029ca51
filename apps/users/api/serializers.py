"""Shapes of the users API: what each write accepts and what every answer looks like.

Input serializers reject any field they do not declare as writable (no mass assignment);
they check shapes and formats only — rules across rows or roles are in apps.users.services.
"""

from typing import Any

from django.contrib.auth import password_validation
from django.core.validators import MinLengthValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core import errors
from apps.core.fields import DeclaredLength, TextField, catalog_detail, not_blank
from apps.core.serializers import StrictInputSerializer
from apps.users.cpf import normalize_cpf
from apps.users.models import Role, User
from apps.users.validators import (
    NAME_MAX_LENGTH,
    NAME_MIN_LENGTH,
    PASSWORD_MAX_LENGTH,
    validate_cpf,
    validate_name,
)

TOKEN_MAX_LENGTH = 4096


class StringField(DeclaredLength, TextField):
    """Only a JSON string (DRF's CharField would turn `52998224725`, a number, into text, and a
    CPF sent as a number must not count apart from the same CPF sent as text), at most
    `max_length` characters as sent (docs/adr/0110)."""


class EmailInputField(DeclaredLength, serializers.EmailField):
    """An email of at most `max_length` characters as sent, as the schema's `maxLength` says;
    `""` (or null) clears it, as the schema's blank branch (`maxLength: 0`) says, but whitespace
    alone is no address (DRF read it as `""`, which the schema refuses; docs/adr/0110)."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and data and not data.strip():
            self.fail("invalid")
        return super().run_validation(data)


class JsonBooleanField(serializers.BooleanField):
    """A BooleanField that takes only JSON `true`/`false`: DRF's also takes `0`, `1`, `"no"`,
    `"off"`, `"true"`…, so `{"is_active": "no"}` deactivated an account (and revoked its tokens)."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


# A CPF's shape, plain or formatted, with the whitespace the field trims around it (as the
# address's CEP is declared, docs/adr/0104); its check digits are a rule no pattern states
# (`cpf_invalid`, docs/adr/0124).
CPF_SCHEMA_PATTERN = r"^\s*[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}\s*$"


@extend_schema_field({"type": "string", "pattern": CPF_SCHEMA_PATTERN})
class CpfField(StringField):
    """A CPF, plain or formatted; validated value is the 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.validators.append(validate_cpf)

    def to_internal_value(self, data: Any) -> str:
        return normalize_cpf(super().to_internal_value(data))


class NameValidator(MinLengthValidator):
    """`validate_name` as a validator that states its minimum: drf-spectacular declares a
    `MinLengthValidator`'s limit as the field's `minLength`. Only the visible characters count
    (docs/adr/0094), so a name of fewer characters never passes; one of enough characters, not
    enough of them visible, is the rule's own (docs/adr/0124)."""

    def __init__(self) -> None:
        super().__init__(NAME_MIN_LENGTH)

    def __call__(self, value: str) -> None:
        validate_name(value)


class NameField(StringField):
    """A name: `validate_name`'s rules, NAME_MAX_LENGTH characters as sent at most (the schema's
    `maxLength`), a longer one refused with the name's own code (docs/adr/0110)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=NAME_MAX_LENGTH, **kwargs)
        self.validators += [NameValidator(), not_blank()]

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and len(data) > NAME_MAX_LENGTH:
            raise serializers.ValidationError([catalog_detail(errors.NAME_LENGTH)])
        return super().run_validation(data)


def _minimum_password_length() -> int:
    """The longest minimum of the configured `MinimumLengthValidator`s (1 without one)."""
    validators = password_validation.get_default_password_validators()
    lengths = [v.min_length for v in validators if isinstance(v, password_validation.MinimumLengthValidator)]
    return max(lengths, default=1)


class PasswordLengthValidator(MinLengthValidator):
    """The configured password minimum, stated (drf-spectacular declares a `MinLengthValidator`'s
    limit as `minLength`) and checked by Django's own validator, its message and code
    (`password_too_short`). A new password's other validators need the user, and are the
    service's: they are rules a schema cannot state (docs/adr/0124)."""

    def __init__(self) -> None:
        super().__init__(_minimum_password_length)

    def __call__(self, value: str) -> None:
        for validator in password_validation.get_default_password_validators():
            if isinstance(validator, password_validation.MinimumLengthValidator):
                validator.validate(value)


def _password_field(*, new: bool, **kwargs: Any) -> StringField:
    """A password as sent (no trimming); a new one at least the configured minimum long."""
    return StringField(
        write_only=True,
        trim_whitespace=False,
        max_length=PASSWORD_MAX_LENGTH,
        style={"input_type": "password"},
        validators=[PasswordLengthValidator()] if new else [],
        **kwargs,
    )


def _email_field() -> EmailInputField:
    return EmailInputField(required=False, allow_null=True, allow_blank=True, max_length=254)


# --- output ------------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ("id", "cpf", "name", "email", "role", "is_active", "date_joined")
        read_only_fields = fields
        # The model's names and help are the admin's, in the browser's language; the API's stay
        # English in every language (a label that is the field's own name adds no schema title).
        extra_kwargs = {
            name: {"label": name.replace("_", " ")}
            for name in ("name", "email", "role", "is_active", "date_joined")
        }


class TokenPairSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Access token (JWT): send it as `Authorization: Bearer <token>`.")
    refresh = serializers.CharField(help_text="Refresh token: single use, trade it at /api/v1/token/refresh.")
    token_type = serializers.CharField(help_text="Always `Bearer`.")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()


# --- input -------------------------------------------------------------------------------


class SignUpInputSerializer(StrictInputSerializer):
    cpf = CpfField()
    name = NameField()
    password = _password_field(new=True)
    email = _email_field()
    # Accepted and dropped: sign-up creates a collector whatever role is sent (clients that
    # send their whole form keep working; no role can be gained this way).
    role = StringField(  # a JSON string, as declared: `5` was taken (and dropped)
        required=False,
        allow_blank=True,  # a form's role left empty, "" or null, is ignored like any other
        allow_null=True,
        write_only=True,
        max_length=32,
        help_text="Ignored: sign-up always creates a collector.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("role", None)
        return attrs


class SignInInputSerializer(StrictInputSerializer):
    # Not validated as a CPF: any wrong input answers INVALID_CREDENTIALS, as a wrong password does.
    cpf = StringField(max_length=32, validators=[not_blank()])
    password = _password_field(new=False)


class RefreshInputSerializer(StrictInputSerializer):
    refresh = StringField(max_length=TOKEN_MAX_LENGTH, trim_whitespace=True, validators=[not_blank()])


class ProfileUpdateInputSerializer(StrictInputSerializer):
    name = NameField(required=False)
    email = _email_field()


class PasswordChangeInputSerializer(StrictInputSerializer):
    current_password = _password_field(new=False)
    new_password = _password_field(new=True)


class UserCreateInputSerializer(StrictInputSerializer):
    cpf = CpfField()
    name = NameField()
    password = _password_field(new=True)
    email = _email_field()
    role = serializers.ChoiceField(choices=Role.choices)


class UserUpdateInputSerializer(StrictInputSerializer):
    name = NameField(required=False)
    email = _email_field()
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = JsonBooleanField(required=False)
