"""Factories for users, as the user services store them: a CPF of 11 digits with valid check
digits, a pt-BR name, a lower-case unique e-mail, a password hashed by the configured hasher
(MD5 in the test settings) and one role. `.create()` writes the row as `user_create` does,
without its audit event (tests of audit events call the services)."""

import factory
from factory.django import DjangoModelFactory

from apps.users.cpf import normalize_cpf
from apps.users.models import Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        formatted_cpf = factory.Faker("cpf", locale="pt_BR")

    cpf = factory.LazyAttribute(lambda o: normalize_cpf(o.formatted_cpf))
    name = factory.Faker("name", locale="pt_BR")
    email = factory.Sequence(lambda n: f"user{n}@example.com.br")
    role = Role.COLLECTOR
    is_active = True
    password = factory.django.Password(DEFAULT_PASSWORD)
