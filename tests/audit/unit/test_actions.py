"""The actions the services record are one list, `AuditAction`, beside the model: the admin's
action filter offers it, `audit_record` stores nothing else, and the README's table names it."""

import re
from pathlib import Path

import pytest
from django.db import transaction

from apps.audit.models import AuditAction, AuditEvent, TargetType
from apps.audit.services import audit_record

README = Path(__file__).resolve().parents[3] / "apps" / "audit" / "README.md"


def _readme_actions() -> set[str]:
    """The backquoted `<target type>.<verb>` names of the "Actions" table's second column."""
    section = README.read_text().split("### Actions", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    return {action for row in rows for action in re.findall(r"`([a-z_]+\.[a-z_]+)`", row[2])}


def test_the_readme_table_names_every_action_and_no_other() -> None:
    assert _readme_actions() == set(AuditAction.values)


def test_every_action_names_a_target_type_and_a_verb() -> None:
    for action in AuditAction.values:
        target_type, _, verb = action.partition(".")
        assert target_type in TargetType.values, action
        assert re.fullmatch(r"[a-z_]+", verb), action


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["user.test", "update", "real_estate.import", "User.update", ""])
def test_an_action_outside_the_list_is_refused_and_not_stored(action: str) -> None:
    with pytest.raises(ValueError, match="AuditAction"), transaction.atomic():
        audit_record(actor=None, action=action, target_id="42")

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_an_action_of_the_list_is_stored_with_its_target_type() -> None:
    with transaction.atomic():
        event = audit_record(actor=None, action=AuditAction.PHOTO_REORDER, target_id="42")

    event.refresh_from_db()
    assert (event.action, event.target_type) == ("photo.reorder", "photo")
