"""The real-estate creation quota (README: THROTTLE_REAL_ESTATE_CREATE_RATE), per user."""

from apps.core import errors
from apps.core.quotas import UserQuotaThrottle


class RealEstateCreateQuota(UserQuotaThrottle):
    scope = "real_estate_create"
    error = errors.RealEstateCreateQuotaExceeded
