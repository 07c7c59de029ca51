"""Factories for users: valid CPFs, pt-BR names, a known password."""

import factory
from factory.django import DjangoModelFactory

from apps.users.cpf import generate_cpf
from apps.users.models import Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    cpf = factory.LazyFunction(generate_cpf)
    name = factory.Faker("name", locale="pt_BR")
    email = factory.Sequence(lambda n: f"user{n}@example.com.br")
    role = Role.COLLECTOR
    is_active = True
    password = factory.django.Password(DEFAULT_PASSWORD)
