"""Every example in the committed schema is valid under the schema it illustrates.

A client (or a generator of mocks) takes an example as what the server sends. The list's
"Nearby, nearest first" example had a `cover` with a `…` in it, which no `uri-reference` holds,
and a reader or a mock server validating it refused the example itself.
"""

from typing import Any

import pytest

from tests.contract.openapi_validator import ContractValidator

CONTRACT = ContractValidator()


def examples() -> list[Any]:
    found = []
    for path, operations in CONTRACT.spec["paths"].items():
        for method, operation in operations.items():
            bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
            for body in bodies:
                for media in (body.get("content") or {}).values():
                    for name, example in (media.get("examples") or {}).items():
                        found.append(
                            pytest.param(example["value"], media["schema"], id=f"{method} {path} {name}")
                        )
    return found


@pytest.mark.parametrize(("value", "schema"), examples())
def test_an_example_is_valid_under_its_own_schema(value: Any, schema: dict[str, Any]) -> None:
    CONTRACT.validate(value, schema)


def test_the_sweep_finds_the_schemas_examples() -> None:
    assert len(examples()) > 100
