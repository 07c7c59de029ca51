"""Signed links to media, on every backend (docs/adr/0030, 0083).

The token is the capability: no session or bearer token is needed, which is what lets an
`<img src>` load it. It names one key and expires after MEDIA_URL_EXPIRY_SECONDS. On local
storage the link answers with the file; on S3 with a redirect to a URL of the object presigned
now, so a page of links costs one HMAC each and only an image actually opened costs a presign.
"""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from apps.core import errors
from apps.core.views import json_error
from apps.media import storage

# How long a browser may reuse what a link answered: the file, or the redirect, whose target
# stays valid for MEDIA_URL_EXPIRY_SECONDS after it is made.
_REUSE_SECONDS = 300


_METHODS = ("GET", "HEAD")


@csrf_exempt  # it only reads; any other method gets the 405 below, not a CSRF page
def media_file(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        if request.method not in _METHODS:
            raise errors.MethodNotAllowed(headers={"Allow": ", ".join(_METHODS)})
        key = storage.key_from_token(token)
        if not storage.is_local():
            return _redirect(storage.presigned_url(key))
        try:
            handle = storage.media_storage().open(key, "rb")
        except FileNotFoundError:
            raise errors.NotFound() from None  # collected since the link was made
        except OSError as exc:
            raise errors.StorageUnavailable() from exc
    except errors.ApiError as error:
        return json_error(error)
    response = FileResponse(handle, content_type=storage.content_type_for(key))
    response["Content-Disposition"] = f'inline; filename="{key.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"private, max-age={_REUSE_SECONDS}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _redirect(url: str) -> HttpResponseRedirect:
    """302 to the presigned URL; reusable while its target is, and never beyond `_REUSE_SECONDS`.
    S3 answers a missing object itself (404), as it did when the API handed out its URLs."""
    response = HttpResponseRedirect(url)
    reuse = min(_REUSE_SECONDS, settings.MEDIA_URL_EXPIRY_SECONDS // 2)
    response["Cache-Control"] = f"private, max-age={reuse}"
    return response
