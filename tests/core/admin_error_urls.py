"""The project's URLs and error handlers, plus an admin page that fails (an exception no view
handles), to see the 500 page staff get."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from config.urls import handler400, handler403, handler404, handler500


def failing_admin_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom: SELECT password FROM users")


urlpatterns = [
    path("admin/failing/", failing_admin_page),
    path("", include("config.urls")),
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
