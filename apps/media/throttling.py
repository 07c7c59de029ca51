"""The photo-upload quota (README: THROTTLE_PHOTO_UPLOAD_RATE), per user, checked before the body
is read, so a refused upload costs neither a decode nor a stored object."""

from apps.core import errors
from apps.core.quotas import UserQuotaThrottle


class PhotoUploadQuota(UserQuotaThrottle):
    scope = "photo_upload"
    error = errors.PhotoUploadQuotaExceeded
