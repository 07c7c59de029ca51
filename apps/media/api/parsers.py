"""The upload parser: multipart streamed to a temporary file, cut off at the byte limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any, Final

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser

from apps.core import errors
from apps.core.parsers import refuse_content_coding, refuse_other_charset

# Room for the multipart boundaries, part headers and the caption field around the file.
MULTIPART_OVERHEAD_BYTES: Final = 64 * 1024


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams to disk and gives up as soon as the file passes the limit (no Content-Length needed)."""

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.file.close()  # the temporary file is deleted on close
            raise errors.PhotoTooLarge()
        return super().receive_data_chunk(raw_data, start)


class PhotoUploadParser(MultiPartParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> DataAndFiles[Any, Any]:
        refuse_content_coding(parser_context)
        # Multipart has no charset (RFC 7578): one other than UTF-8 decoded the text parts as it named.
        refuse_other_charset(media_type)
        context = parser_context or {}
        request = context["request"]
        meta = request.META.copy()
        limit = settings.MEDIA_UPLOAD_MAX_BYTES
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_OVERHEAD_BYTES:
            raise errors.PhotoTooLarge()  # refused before reading the body
        meta["CONTENT_TYPE"] = _lower_case_type(media_type or "")
        handlers = [LimitedTemporaryFileUploadHandler(request._request, max_bytes=limit)]
        try:
            parser = DjangoMultiPartParser(
                meta,
                stream,  # type: ignore[arg-type]
                handlers,
                context.get("encoding", settings.DEFAULT_CHARSET),
            )
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(f"Multipart form parse error - {exc}") from exc
        return DataAndFiles(data, files)


def _lower_case_type(media_type: str) -> str:
    """`media_type` with its type and subtype in lower case, its parameters as sent. Both are
    case-insensitive (RFC 9110), but Django's multipart parser takes only a lower-case
    `multipart/` (parameter names it already reads in any case); a boundary's value is
    case-sensitive and stays as sent."""
    essence, separator, parameters = media_type.partition(";")
    return essence.lower() + separator + parameters
