from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password
from django.test import override_settings

from apps.users.hashers import Argon2idHasher
from config.settings import base


def test_it_hashes_with_owasp_parameters() -> None:
    encoded = Argon2idHasher().encode("a password", Argon2idHasher().salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_a_hash_at_djangos_default_cost_verifies_and_is_upgraded() -> None:
    old = Argon2PasswordHasher().encode("a password", Argon2PasswordHasher().salt())
    upgraded: list[str] = []
    assert check_password("a password", old, setter=upgraded.append)
    assert upgraded
    assert make_password("a password").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert not check_password("wrong", old)


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_every_argon2_hash_is_verified_by_the_hasher_that_runs_on_the_hashing_threads() -> None:
    # check_password verifies with the hasher identify_hasher names: a stored hash at our cost
    # or at Django's default cost must reach Argon2idHasher, whose hashes run on the process's
    # hashing threads (docs/adr/0003, third addendum), not on the request's thread.
    ours = make_password("a password")
    djangos = Argon2PasswordHasher().encode("a password", Argon2PasswordHasher().salt())
    assert isinstance(identify_hasher(ours), Argon2idHasher)
    assert isinstance(identify_hasher(djangos), Argon2idHasher)
