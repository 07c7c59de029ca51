"""Write services of the media app, one module per job: `photos` (upload, edit, reorder, delete),
`thumbnails` (the renditions of a blob, for the task and the command) and `gc` (the collector).

Ordering rule of all three (docs/adr/0030-content-addressed-media.md): slow storage I/O never
runs while a row lock is held. Objects are written first, with no transaction open, then linked
in one short transaction under the key lock (`apps.core.locks`) that the collector also takes
before deleting. An upload refused after its write removes what it wrote, under the same lock
(`gc.forget_unlinked_object`); a process that dies there leaves at most an orphan object, which
`media_gc` removes after the grace period; never a row pointing at a missing object.
"""

from apps.media.services.gc import GcReport, Removed, media_gc
from apps.media.services.photos import UploadResult, photo_delete, photo_move_many, photo_update, photo_upload
from apps.media.services.thumbnails import (
    blob_generate_thumbnails,
    blob_thumbnails_failed,
    blobs_missing_renditions,
)

__all__ = [
    "GcReport",
    "Removed",
    "UploadResult",
    "blob_generate_thumbnails",
    "blob_thumbnails_failed",
    "blobs_missing_renditions",
    "media_gc",
    "photo_delete",
    "photo_move_many",
    "photo_update",
    "photo_upload",
]
