"""What every admin that writes through the services shares: a service's refusal (a catalog
error) is shown as the page's message instead of a 500. The admin's view runs in a transaction,
so by the time the refusal is shown nothing of the attempt is saved. An action acts on the rows
ticked, even those that have left the list's filter since (the service then says why it cannot
take the step), and says so when all of them were deleted meanwhile, rather than nothing."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from apps.core import errors

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

CONFIRMATION_OTHER_FIELDS = 5
"""What a confirmation page posts besides the rows: the CSRF token, the action, its button and
its own fields (the rejection's reason; Django's delete confirmation's `post`), with room to spare."""


class ServiceRefusalsMixin(_ModelAdmin):
    """Mixed in before `ModelAdmin` (or a subclass): its change and delete pages show refusals."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except errors.ApiError as error:  # the view's transaction has rolled back: nothing saved
            return self._refused(request, error)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except errors.ApiError as error:  # rolled back, the log entry of the deletion included
            return self._refused(request, error)

    def _refused(self, request: HttpRequest, error: errors.ApiError) -> HttpResponse:
        self.message_user(request, str(error.message), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def _selected(self, request: HttpRequest, queryset: "QuerySet[Any]") -> "QuerySet[Any] | None":
        """For an action, first: the rows it acts on, or None, with a message, when none of the
        selected rows exists any more.

        Django hands an action the list's rows (filters and search applied) among the ids ticked:
        a row ticked that has left the list since it was shown (reviewed by a colleague while the
        review queue was open) would drop out unreported, and a selection of only such rows would
        look deleted. So the ids ticked are looked up among all rows, and the service says why one
        cannot take the step; "select all N" (`select_across`) still means the list as filtered.
        Rows deleted meanwhile just drop out."""
        if not forms.BooleanField(required=False).clean(request.POST.get("select_across")):
            ticked = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            queryset = self.get_queryset(request).filter(pk__in=ticked)
        if queryset.exists():
            return queryset
        message = _("None of the selected %(items)s exists any more (deleted meanwhile?): nothing was done.")
        self.message_user(
            request, message % {"items": self.model._meta.verbose_name_plural}, messages.WARNING
        )
        return None

    def _confirmable(self, request: HttpRequest, selected: "QuerySet[Any]") -> bool:
        """For an action with a confirmation page (reject, delete): False, with a message, when the
        selection is more rows than that page can send back. It posts one field per row, and a
        request of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields is refused before any view runs
        ("Bad request (400)", nothing done): "select all" on a long list, then the button."""
        max_fields: int | None = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS  # None: no limit
        if max_fields is None:
            return True
        limit = max_fields - CONFIRMATION_OTHER_FIELDS
        count = selected.count()
        if count <= limit:
            return True
        message = _(
            "%(count)d %(items)s are too many to confirm at once (at most %(limit)d): narrow the list "
            "with its filters or search, then select again. Nothing was done."
        )
        items = self.model._meta.verbose_name_plural
        self.message_user(request, message % {"count": count, "items": items, "limit": limit}, messages.ERROR)
        return False
