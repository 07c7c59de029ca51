"""Helpers for tests that post Django admin pages as a browser does."""

from typing import Any


def as_posted(page: Any) -> dict[str, Any]:
    """What a change page (the test client's response) posts back unchanged: its form's and its
    inlines' fields."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:  # an unticked box is not posted
                data[form.add_prefix(name)] = value
    return data
