"""The error catalog as Python: `from apps.core import errors; raise errors.RealEstateNotFound()`."""

from apps.core.errors.base import ApiError as ApiError
from apps.core.errors.base import FieldMessage as FieldMessage
from apps.core.errors.base import catalog_message as catalog_message
from apps.core.errors.generated import *  # noqa: F403
