"""`rebuild_thumbnails` when the database refuses a blob's statements (a row held past the
statement timeout, a lost connection): the blob counts as failed, the others are made, and the
command ends with its summary and a CommandError, not a traceback half-way. Real PostgreSQL: a
real estate's row held by another connection past this connection's 300 ms statement timeout."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.media.models import Blob, ThumbnailState
from apps.real_estates.models import RealEstate
from tests.media import samples
from tests.media.factories import PhotoFactory
from tests.media.integration.test_cover_copy_after_commit import RowHolder
from tests.real_estates.factories import RealEstateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_blob_whose_cover_copy_is_refused_fails_alone(impatient_connection: None) -> None:
    held = RealEstateFactory()
    first = PhotoFactory(real_estate=held, image=samples.image_bytes(size=(600, 400))).blob
    second = PhotoFactory(image=samples.image_bytes(size=(500, 300))).blob
    # Both made again (a lost listing, a failed run): the covers wait for them ("").
    Blob.objects.update(thumbnail_state=ThumbnailState.PENDING, thumbnail_256_key="", thumbnail_1024_key="")
    RealEstate.objects.update(cover_key="")
    holder = RowHolder(held.pk)
    holder()
    out = StringIO()
    try:
        with pytest.raises(CommandError) as raised:
            call_command("rebuild_thumbnails", stdout=out)
    finally:
        holder.let_go()

    assert first.pk < second.pk
    assert "1 blob(s) done, 1 failed" in out.getvalue()
    assert "1 blob(s)" in str(raised.value)
    assert Blob.objects.get(pk=second.pk).thumbnail_state == ThumbnailState.READY
