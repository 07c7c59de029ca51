"""Path converters of the API's routes."""

from django.urls.converters import UUIDConverter

# RFC 9562 §4: a UUID's hex digits are written in lower case and read in either case.
_HEX = "[0-9a-fA-F]"


class AnyCaseUUIDConverter(UUIDConverter):
    """A hyphenated UUID in either case, as a real estate's own view reads its `{id}` (the router's
    route takes any text; the view answers 404 to any other spelling): a client that writes UUIDs
    in upper case (Swift's `uuidString`) reaches a real estate's photos and a user as it reaches
    the real estate. Reversed in lower case, as Django's `uuid`."""

    regex = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
