"""The Argon2id hasher used in production: its cost and that it round-trips."""

from apps.users.hashers import Argon2idHasher


def test_the_hasher_stores_argon2id_at_the_chosen_cost() -> None:
    hasher = Argon2idHasher()
    encoded = hasher.encode("uma-senha-bem-longa-42", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert "m=19456,t=2,p=1" in encoded
    assert hasher.verify("uma-senha-bem-longa-42", encoded)
    assert not hasher.verify("wrong", encoded)
    assert not hasher.must_update(encoded)
