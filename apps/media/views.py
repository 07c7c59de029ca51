"""Signed links to locally stored media (the S3 backend hands out presigned URLs instead).

The token is the capability: no session or bearer token is needed, which is what lets an
`<img src>` load it. It names one key and expires after MEDIA_URL_EXPIRY_SECONDS.
"""

from django.http import FileResponse, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from apps.core import errors
from apps.core.exception_handler import envelope
from apps.media import storage


@require_safe
def media_file(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        key = storage.key_from_token(token)
        try:
            handle = storage.media_storage().open(key, "rb")
        except FileNotFoundError:
            raise errors.NotFound() from None  # collected since the link was made
        except OSError as exc:
            raise errors.StorageUnavailable() from exc
    except errors.ApiError as error:
        return JsonResponse(envelope(error), status=error.status_code)
    response = FileResponse(handle, content_type=storage.content_type_for(key))
    response["Content-Disposition"] = f'inline; filename="{key.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
