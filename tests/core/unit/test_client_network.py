"""What a per-client throttle counts a client by (`apps.core.throttling.client_network`)."""

import pytest

from apps.core.throttling import client_network


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_client_counts_by_its_64_and_anything_else_as_it_is(address: str, counted_as: str) -> None:
    assert client_network(address) == counted_as
