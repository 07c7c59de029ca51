"""Page-number pagination: `{"count", "next", "previous", "results"}`, `page_size` up to 100.

`page` is a whole number from 1 (to 10⁹) and `page_size` one from 1 to 100; anything else (`page=0`,
`page=last`, `page_size=0`, `page_size=500`, an empty value) is a 400 naming the parameter,
as the OpenAPI schema says. A page past the last is DRF's 404 (`NOT_FOUND`); the first page of
an empty list is a 200 with no results. `next` and `previous` are DRF's links.
"""

from typing import Any

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request

from apps.core import errors
from apps.core.fields import whole_number

MAX_PAGE = 10**9  # far past any list's last page; bounds what the schema declares


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # `page` is a number, as the schema says
    page_query_description = "A page number, from 1; a page past the last answers 404."
    page_size_query_description = "Items per page, from 1 to 100 (20 when absent)."

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            message = str(errors.PAGE_SIZE_INVALID.message).format(limit=self.max_page_size)
            raise _invalid(self.page_size_query_param, message, errors.PAGE_SIZE_INVALID.code)
        return size

    def get_page_number(self, request: Request, paginator: Paginator) -> int:  # type: ignore[type-arg]  # generic in the stubs only
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        number = whole_number(raw)
        if number is None or not 1 <= number <= MAX_PAGE:
            raise _invalid(self.page_query_param, str(errors.PAGE_INVALID.message), errors.PAGE_INVALID.code)
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_PAGE},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def _invalid(name: str, message: str, code: str) -> ValidationError:
    return ValidationError({name: [ErrorDetail(message, code=code)]})
