"""The user row authentication reads through the cache: spared on a warm cache, never stale
after a change (apps/users/auth_cache.py)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.users import auth_cache, services
from apps.users.models import Role, User
from tests.users.factories import UserFactory
from tests.users.helpers import REVOCATIONS, bearer, error_of, sign_in

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def user_reads(client: APIClient, path: str = "/api/v1/real-estates") -> int:
    """How many statements of one request read `users_user` as their main table."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return sum(1 for q in ctx.captured_queries if 'FROM "users_user"' in q["sql"].split("JOIN")[0])


def entry_of(user: User) -> Any:
    return cache.get(auth_cache._key(user.pk))


def test_a_warm_cache_spares_the_user_query(manager: User, client_for: Any) -> None:
    client = client_for(manager)
    assert user_reads(client) == 1
    assert user_reads(client) == 0


def test_the_cache_holds_no_password_hash(manager: User, client_for: Any) -> None:
    client_for(manager).get(ME)
    entry = entry_of(manager)
    assert isinstance(entry, tuple)
    assert manager.password not in repr(entry)


def test_a_user_from_the_cache_is_the_user_from_the_database(manager: User, client_for: Any) -> None:
    client = client_for(manager)
    first = client.get(ME).json()
    assert client.get(ME).json() == first  # the second one came from the cache
    assert user_reads(client, ME) == 0


def test_an_entry_written_with_other_columns_still_reads(manager: User, client_for: Any) -> None:
    client = client_for(manager)
    client.get(ME)
    row, fingerprint = entry_of(manager)
    del row["email"]  # a column an older release did not have
    row["nickname"] = "Gegê"  # one this release no longer has
    cache.set(auth_cache._key(manager.pk), (row, fingerprint))
    user = auth_cache.cached(manager.pk, claim=fingerprint)
    assert user is not None
    assert "email" in user.get_deferred_fields()
    assert user.email == manager.email  # loaded on access
    assert not hasattr(user, "nickname")
    assert client.get(ME).status_code == 200


@pytest.mark.parametrize("change", REVOCATIONS)
def test_a_change_after_the_cache_was_warm_revokes_at_once(change: Any, client_for: Any) -> None:
    user = UserFactory()
    client = client_for(user)
    assert client.get(ME).status_code == 200  # cached now
    assert isinstance(entry_of(user), tuple)
    change(user)
    response = client.get(ME)
    assert response.status_code == 401
    assert error_of(response)["code"] in {"TOKEN_INVALID", "AUTHENTICATION_FAILED"}


def test_an_entry_answers_only_tokens_with_the_claim_it_was_accepted_for(
    collector: User, api_client: APIClient
) -> None:
    before = sign_in(api_client, collector)["token"]
    collector.set_password("uma-senha-nova-e-longa-1")
    collector.save()
    after = sign_in(api_client, collector, password="uma-senha-nova-e-longa-1")["token"]
    cache.delete(auth_cache._key(collector.pk))  # the tombstone expires
    assert user_reads(bearer(after), ME) == 1
    assert user_reads(bearer(after), ME) == 0  # cached for the new password's claim
    with CaptureQueriesContext(connection) as ctx:
        response = bearer(before).get(ME)
    assert response.status_code == 401  # simplejwt's own verdict, from the database
    assert any('FROM "users_user"' in q["sql"] for q in ctx.captured_queries)


def test_a_role_change_refuses_the_next_request_made_with_the_old_role(
    collector: User, client_for: Any, admin_user: User
) -> None:
    client = client_for(collector)
    assert client.get(ME).json()["role"] == Role.COLLECTOR  # the row is cached now
    services.user_update(user=collector, actor=admin_user, role=Role.MANAGER)
    assert client.get(ME).status_code == 401
    collector.refresh_from_db()
    assert client_for(collector).get(ME).json()["role"] == Role.MANAGER


def test_a_tombstone_keeps_a_read_out_of_the_cache_until_it_expires(manager: User, client_for: Any) -> None:
    client = client_for(manager)
    auth_cache.forget(manager.pk)
    assert user_reads(client) == 1
    assert entry_of(manager) == auth_cache._TOMBSTONE  # the read from the database was not cached
    assert user_reads(client) == 1
    cache.delete(auth_cache._key(manager.pk))  # the tombstone expires
    assert user_reads(client) == 1
    assert user_reads(client) == 0


def test_the_commit_writes_the_tombstone_again(
    manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    stale = ((), "a row read before the change")
    with django_capture_on_commit_callbacks(execute=True):
        manager.name = "Nome Novo Do Gerente"
        manager.save()
        cache.set(auth_cache._key(manager.pk), stale)  # a racing reader, at worst
    assert entry_of(manager) == auth_cache._TOMBSTONE


def test_a_sign_in_keeps_the_cached_row_and_a_save_from_it_keeps_the_new_last_login(
    manager: User, client_for: Any, api_client: APIClient
) -> None:
    client = client_for(manager)
    client.get(ME)
    cached = auth_cache.cached(manager.pk, claim=entry_of(manager)[1])
    assert cached is not None

    sign_in(api_client, manager)  # writes last_login alone
    assert user_reads(client) == 0  # the row is still served from the cache
    signed_in_at = User.objects.get(pk=manager.pk).last_login
    assert signed_in_at is not None

    cached.name = "Nome Novo Do Gerente"
    cached.save()  # an instance read before the sign-in, saved after it
    assert User.objects.get(pk=manager.pk).last_login == signed_in_at


def test_with_the_cache_off_every_request_reads_the_database(
    manager: User, client_for: Any, settings: Any
) -> None:
    settings.AUTH_USER_CACHE_SECONDS = 0
    client = client_for(manager)
    assert user_reads(client) == 1
    assert user_reads(client) == 1
    assert entry_of(manager) is None
