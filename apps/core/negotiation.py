"""Content negotiation that reads the client's q-values (RFC 9110 §12.5.1, docs/adr/0122).

DRF's `DefaultContentNegotiation` tried the `Accept` ranges most specific first and never read
`q`: `Accept: application/json;q=0` (JSON is not acceptable) was answered JSON, and the schema
answered YAML to `application/yaml;q=0.1, application/json;q=0.9`. Here each renderer is rated
with the quality of the most specific range that matches it; a rating of 0 excludes it, the
highest rating is answered (equal ratings: the more specific range, then the view's order, as DRF
chose), and nothing rated above 0 is DRF's 406 (`NOT_ACCEPTABLE`).

A header without parameters rates every range 1: DRF's choice is then already the client's, and
it is taken as DRF makes it (the list and detail reads send `application/json`, `*/*` or none).
The ranges are DRF's own bounded list (`get_accept_list`: 64 ranges of up to 256 characters).
A range's parameters other than `q` are, as under DRF, options for the renderer (`indent`), not a
condition of the match: `application/json; charset=utf-8` is JSON.
"""

from collections.abc import Iterable

from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class MediaRange:
    """One range of an `Accept` header: `type/subtype`, its parameters and its quality."""

    def __init__(self, token: str) -> None:
        full_type, params = parse_header_parameters(token)
        self.main_type, _, self.sub_type = full_type.lower().partition("/")
        self.quality = _quality(params.pop("q", "1"))
        self.params = params
        # RFC 9110: a more specific range overrides a less specific one (`*/*` < `type/*` <
        # `type/subtype` < with parameters).
        self.specificity = 0 if self.main_type == "*" else 1 if self.sub_type == "*" else 3 if params else 2

    def matches(self, main_type: str, sub_type: str) -> bool:
        return bool(self.sub_type) and (
            self.main_type in ("*", main_type) and self.sub_type in ("*", sub_type)
        )


def _quality(value: str) -> float:
    """`q` as Django's `HttpRequest.accepted_types` reads it: an unreadable or out-of-range value
    is 1, and three decimals count (`q=0.0001` is 0)."""
    try:
        quality = float(value)
    except ValueError:
        return 1.0
    return round(quality, 3) if 0 <= quality <= 1 else 1.0


class QualityContentNegotiation(DefaultContentNegotiation):
    """`DEFAULT_CONTENT_NEGOTIATION_CLASS`: DRF's negotiation, with the client's q-values."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if ";" not in request.headers.get("Accept", ""):
            chosen: tuple[BaseRenderer, str] = super().select_renderer(request, renderers, format_suffix)
            return chosen  # every range at q=1: DRF's choice is one the client rates highest
        renderers = list(renderers)
        format_ = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format_:
            renderers = self.filter_renderers(renderers, format_)  # an unknown format: 404
        ranges = [MediaRange(token) for token in self.get_accept_list(request)]
        rated = []
        for position, renderer in enumerate(renderers):
            main_type, _, sub_type = renderer.media_type.partition("/")
            matching = [media_range for media_range in ranges if media_range.matches(main_type, sub_type)]
            if matching:
                deciding = max(matching, key=lambda media_range: media_range.specificity)
                rated.append((deciding.quality, deciding.specificity, -position, renderer, deciding))
        best = max(rated, key=lambda rating: rating[:3], default=None)
        if best is None or best[0] == 0:
            raise exceptions.NotAcceptable(available_renderers=renderers)
        *_, renderer, deciding = best
        # The accepted media type carries the deciding range's options, as DRF's did (`indent`).
        options = "".join(f"; {name}={value}" for name, value in deciding.params.items())
        return renderer, renderer.media_type + options
