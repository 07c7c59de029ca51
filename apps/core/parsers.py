"""The API's JSON parser: DRF's, with a body nested past the interpreter's recursion limit
answered as a malformed request (400) instead of escaping as a RecursionError (500), and a body in
a content coding refused (415), as every parser of ours refuses it (`refuse_content_coding`)."""

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from apps.core import errors


def refuse_content_coding(parser_context: Mapping[str, Any] | None) -> None:
    """A 415 for a body in a content coding (`Content-Encoding: gzip`, `br`, ...): none is decoded
    here, nor by nginx, so its bytes were parsed as they came, a gzip body as malformed JSON and a
    `br` one whose bytes read as JSON as plain JSON. RFC 9110 (§15.5.16): 415, naming in
    `Accept-Encoding` the one coding taken."""
    request = (parser_context or {}).get("request")
    declared = request.META.get("HTTP_CONTENT_ENCODING", "") if request is not None else ""
    if any(coding.strip().lower() not in ("", "identity") for coding in declared.split(",")):
        raise errors.UnsupportedMediaType(headers={"Accept-Encoding": "identity"})


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        refuse_content_coding(parser_context)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
