"""Fixtures for the users app's tests."""

from collections.abc import Iterator

import pytest


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the operator types, in order, at the commands' prompts (visible and hidden)."""
    typed: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt="": typed.pop(0))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": typed.pop(0))
    yield typed
    assert typed == [], "the command asked less than the test expected"
