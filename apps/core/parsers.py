"""The API's JSON parser: DRF's, with a body nested past the interpreter's recursion limit
answered as a malformed request (400) instead of escaping as a RecursionError (500), a body in
a content coding refused (415), as every parser of ours refuses it (`refuse_content_coding`), and
a body labelled with a charset other than UTF-8 refused (415, `refuse_other_charset`)."""

import codecs
from collections.abc import Mapping
from typing import IO, Any

from django.utils.http import parse_header_parameters
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


def refuse_other_charset(media_type: str | None) -> None:
    """A 415 naming the charset of a body labelled with one other than UTF-8 (`charset=latin-1`,
    `utf-16`, an unknown name): JSON exchanged between systems is UTF-8 (RFC 8259 §8.1), and DRF
    decoded the body as labelled, so a UTF-8 body labelled Latin-1 was stored as mojibake. UTF-8
    in any spelling Python reads as it (`UTF-8`, `utf8`, quoted) is taken (docs/adr/0123)."""
    charset = parse_header_parameters(media_type or "")[1].get("charset")
    if charset is None:
        return
    try:
        utf_8 = codecs.lookup(charset).name == "utf-8"
    except (LookupError, ValueError):  # an unknown name, or one no codec name can be (a NUL)
        utf_8 = False
    if not utf_8:
        message = str(errors.UnsupportedMediaType.charset_message).format(charset=charset)
        raise errors.UnsupportedMediaType(message)


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        refuse_content_coding(parser_context)
        refuse_other_charset(media_type)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
