"""What every admin that writes through the services shares: a service's refusal (a catalog
error) is shown as the page's message instead of a 500. The admin's view runs in a transaction,
so by the time the refusal is shown nothing of the attempt is saved. An action whose selected
rows were all deleted meanwhile says so, rather than nothing."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from apps.core import errors

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


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

    def _selection_vanished(self, request: HttpRequest, queryset: "QuerySet[Any]") -> bool:
        """For an action, first: True, with a message, when none of the selected rows exists any
        more (Django filters the selection by the ids posted, so rows deleted since the list was
        shown, or since the action's own confirmation page, just drop out)."""
        if queryset.exists():
            return False
        message = _("None of the selected %(items)s exists any more (deleted meanwhile?): nothing was done.")
        self.message_user(
            request, message % {"items": self.model._meta.verbose_name_plural}, messages.WARNING
        )
        return True
