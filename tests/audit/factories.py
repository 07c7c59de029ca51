"""Factories for audit events. Most tests make events the real way (through the services);
this one is for reading tests that need many events or exact times."""

import factory
from factory.django import DjangoModelFactory

from apps.audit.models import AuditEvent, TargetType
from tests.users.factories import UserFactory


class AuditEventFactory(DjangoModelFactory[AuditEvent]):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    action = "real_estate.update"
    target_type = TargetType.REAL_ESTATE
    target_id = factory.Faker("uuid4")
    changes = factory.LazyFunction(lambda: {"title": ["Casa", "Casa térrea"]})
    request_id = factory.Faker("hexify", text="^" * 32)
