"""The case-insensitive filters send PostgreSQL Django's own statements (`Lower`, `icontains`):
the read path is benchmarked there, and only SQLite, the embedded default, gets the functions of
apps/core/unicode_case.py. What they answer, on both databases: test_case_insensitive_filters."""

import pytest
from django.db.models import Q, Value
from django.db.models.functions import Lower

from apps.real_estates.models import RealEstate
from apps.users.models import User

pytestmark = pytest.mark.django_db


def test_postgresql_runs_djangos_own_statements() -> None:
    """The read path is benchmarked on PostgreSQL: the filters' SQL there is Django's `Lower` and
    `icontains`, as before the embedded default learned to fold every letter."""
    assert str(RealEstate.objects.in_city(" São Paulo ").query) == str(
        RealEstate.objects.alias(city_lower=Lower("city")).filter(city_lower=Lower(Value("São Paulo"))).query
    )
    assert str(User.objects.with_email("Ana@X.com").query) == str(
        User.objects.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value("Ana@X.com"))).query
    )
    assert str(User.objects.search("Ana").query) == str(User.objects.filter(name__icontains="Ana").query)
    assert str(User.objects.search("529.982").query) == str(
        User.objects.filter(Q(name__icontains="529.982") | Q(cpf__startswith="529982")).query
    )
