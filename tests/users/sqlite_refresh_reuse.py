"""Refresh-token reuse on SQLite (the embedded default), run by test_refresh_reuse.py in a
subprocess: the reuse revokes the family in a transaction that commits although the refresh
is refused (ADR 0014). `python -m tests.users.sqlite_refresh_reuse` with DATABASE_URL pointing at
an empty SQLite file; exits non-zero (an AssertionError) when it does not hold."""

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from apps.core import errors
    from apps.users import services
    from apps.users.models import User

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0)
    password = "uma-senha-bem-longa-42"
    user = User.objects.create_user(cpf="52998224725", name="Ana Lima", password=password)
    stolen = services.user_sign_in(cpf=user.cpf, password=password).refresh
    other = services.user_sign_in(cpf=user.cpf, password=password).refresh
    thiefs = services.token_refresh(refresh=stolen).refresh
    try:
        services.token_refresh(refresh=stolen)
    except errors.TokenInvalid:
        pass
    else:
        raise AssertionError("a reused refresh token was accepted")
    live = OutstandingToken.objects.filter(blacklistedtoken__isnull=True)
    alive = set(live.values_list("token", flat=True))
    assert alive == {other}, "the family's live token survived the reuse, or another sign-in died"
    assert thiefs not in alive
    print("sqlite refresh reuse ok")  # noqa: T201 - what the test reads


if __name__ == "__main__":
    main()
