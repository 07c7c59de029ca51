"""The image pipeline on its own: no database, no storage."""

import io

import pytest
from django.conf import settings
from PIL import Image, ImageCms

from apps.core import errors
from apps.media import images
from tests.media import samples
from tests.media.conftest import as_stored


def rendition(data: bytes, size: int) -> Image.Image:
    return Image.open(
        io.BytesIO(images.thumbnails(data, max_decode_bytes=settings.MEDIA_DECODE_MAX_BYTES)[size])
    )


def reopen(result: images.NormalisedImage) -> Image.Image:
    return Image.open(io.BytesIO(result.data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_normalising_is_deterministic(fmt: str) -> None:
    data = samples.image_bytes(fmt, size=(120, 90))

    first, second = as_stored(data), as_stored(data)

    assert first.data == second.data
    assert first.sha256 == second.sha256 == images.sha256_hex(first.data)
    assert first.format == fmt
    assert (first.width, first.height) == (120, 90)


def test_orientation_is_applied_and_every_tag_dropped() -> None:
    result = as_stored(samples.jpeg_with_gps_and_orientation(size=(80, 40), orientation=6))

    image = reopen(result)
    assert image.size == (40, 80)
    assert not image.getexif()
    assert "exif" not in image.info
    assert "icc_profile" not in image.info


def test_an_exif_block_pillow_cannot_write_back_is_still_applied_and_dropped() -> None:
    result = as_stored(samples.jpeg_with_mistyped_exif(size=(80, 40)))

    image = reopen(result)
    assert image.size == (40, 80)
    assert not image.getexif()


def test_a_multi_picture_jpeg_is_a_jpeg_of_its_first_picture() -> None:
    result = as_stored(samples.mpo(size=(64, 48)))

    assert result.format == "JPEG"
    assert result.content_type == "image/jpeg"
    assert (result.width, result.height) == (64, 48)
    assert reopen(result).format == "JPEG"


def test_an_icc_profile_is_converted_to_srgb_and_dropped() -> None:
    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    Image.new("RGB", (16, 16), "#808080").save(out, format="JPEG", icc_profile=profile)

    image = reopen(as_stored(out.getvalue()))

    assert "icc_profile" not in image.info


def test_a_cmyk_jpeg_is_converted_to_srgb_through_its_profile() -> None:
    """Pillow's own CMYK to RGB conversion is a formula that ignores the profile: a print
    profile's cyan came out as the screen's brightest cyan."""
    data = samples.cmyk_jpeg_with_profile(cmyk=(255, 0, 0, 0))
    source = Image.open(io.BytesIO(data))
    profile = ImageCms.ImageCmsProfile(io.BytesIO(source.info["icc_profile"]))
    expected = ImageCms.profileToProfile(source, profile, ImageCms.createProfile("sRGB"), outputMode="RGB")

    image = reopen(as_stored(data))

    assert image.mode == "RGB"
    assert "icc_profile" not in image.info
    pixel, reference = image.getpixel((8, 8)), expected.getpixel((8, 8))
    assert isinstance(pixel, tuple)
    assert isinstance(reference, tuple)
    assert max(abs(got - want) for got, want in zip(pixel, reference, strict=True)) <= 3  # JPEG's loss


@pytest.mark.parametrize(
    ("mode", "fmt", "expected"),
    [
        ("CMYK", "JPEG", "RGB"),
        ("L", "PNG", "L"),
        ("LA", "PNG", "RGBA"),
        ("P", "PNG", "RGB"),
        ("RGBA", "WEBP", "RGBA"),
    ],
)
def test_pixel_modes_are_normalised(mode: str, fmt: str, expected: str) -> None:
    out = io.BytesIO()
    Image.new(mode, (10, 10)).save(out, format=fmt)

    assert reopen(as_stored(out.getvalue())).mode == expected


def test_a_16_bit_grey_png_keeps_its_shades_in_eight_bits() -> None:
    """Pillow's own conversion of 16-bit grey to 8 clips every value above 255 to white."""
    source = Image.new("I;16", (4, 1))
    source.putdata([0, 1000, 30000, 65535])
    out = io.BytesIO()
    source.save(out, format="PNG")

    stored = reopen(as_stored(out.getvalue()))

    assert stored.mode == "L"
    assert [stored.getpixel((x, 0)) for x in range(4)] == [0, 3, 116, 255]


def test_a_paletted_png_with_transparency_keeps_its_alpha() -> None:
    out = io.BytesIO()
    Image.new("P", (10, 10), 0).save(out, format="PNG", transparency=0)

    assert reopen(as_stored(out.getvalue())).mode == "RGBA"


def test_the_pixel_limit_is_checked_from_the_header() -> None:
    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(samples.image_bytes("PNG", size=(100, 100)), max_pixels=9_999)


def test_a_huge_canvas_is_refused_before_decoding() -> None:
    bomb = samples.png_bomb_header(width=30000, height=30000)
    assert len(bomb) == 74
    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(bomb)
    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(samples.png_bomb_header(width=9000, height=9000))  # under Pillow's own bomb limit


@pytest.mark.parametrize(
    "data",
    [
        samples.TEXT,
        samples.SVG_WITH_SCRIPT,
        samples.PDF,
        samples.png_signature_then_html(),
        b"GIF89a\x01\x00",
    ],
)
def test_anything_but_jpeg_png_and_webp_is_unsupported(data: bytes) -> None:
    with pytest.raises(errors.PhotoUnsupportedType):
        as_stored(data)


def test_a_gif_is_unsupported_even_when_valid() -> None:
    with pytest.raises(errors.PhotoUnsupportedType):
        as_stored(samples.image_bytes("GIF"))


def test_markup_in_the_sniffed_prefix_is_refused() -> None:
    with pytest.raises(errors.PhotoUnsupportedType):
        as_stored(samples.png_with_html_text_chunk())


def test_a_jpeg_with_more_scans_than_allowed_is_refused_before_decoding() -> None:
    with pytest.raises(errors.PhotoInvalidImage):
        as_stored(samples.jpeg_with_many_scans(scans=101), max_jpeg_scans=100)


def test_a_progressive_jpeg_within_the_scan_limit_is_accepted() -> None:
    progressive = samples.jpeg_with_many_scans(scans=100)

    assert as_stored(progressive, max_jpeg_scans=100).format == "JPEG"


def test_a_truncated_image_is_invalid() -> None:
    with pytest.raises(errors.PhotoInvalidImage):
        as_stored(samples.truncated_jpeg())


def test_a_corrupt_header_is_invalid_or_unsupported() -> None:
    data = bytearray(samples.image_bytes("PNG", size=(50, 50)))
    data[40:60] = b"\x00" * 20
    with pytest.raises((errors.PhotoInvalidImage, errors.PhotoUnsupportedType)):
        as_stored(bytes(data))


@pytest.mark.parametrize(("size", "expected"), [(256, (256, 128)), (1024, (1024, 512))])
def test_thumbnails_are_webp_bounded_by_their_size(size: int, expected: tuple[int, int]) -> None:
    original = as_stored(samples.image_bytes("JPEG", size=(2000, 1000))).data

    made = rendition(original, size)

    assert made.format == "WEBP"
    assert made.size == expected


def test_thumbnails_never_upscale_and_keep_alpha() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 0, 0, 0)).save(out, format="PNG")

    made = rendition(out.getvalue(), 256)

    assert made.size == (40, 20)
    assert made.mode == "RGBA"


# --- the decode budget (ADR 0031) -------------------------------------------------------------


def test_decoded_memory_is_counted_as_pillow_lays_pixels_out() -> None:
    assert images.decode_bytes("RGBA", (7000, 7000)) == 196_000_000
    assert images.decode_bytes("RGB", (100, 10)) == 4_000  # padded to four bytes
    assert images.decode_bytes("L", (100, 10)) == 1_000
    assert images.decode_bytes("P", (100, 10)) == 1_000


def test_a_png_over_the_decode_budget_is_refused_before_decoding() -> None:
    data = samples.image_bytes("PNG", size=(200, 100))

    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(data, max_decode_bytes=200 * 100 * 4 - 1)
    assert as_stored(data, max_decode_bytes=200 * 100 * 4).width == 200


def test_the_flat_7000_pixel_rgba_png_is_refused_by_the_configured_budget() -> None:
    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(samples.flat_rgba_png())


def test_a_jpeg_over_the_budget_is_decoded_at_a_reduced_scale_that_fits() -> None:
    data = samples.image_bytes("JPEG", size=(800, 600))

    result = as_stored(data, max_decode_bytes=800 * 600)

    assert (result.width, result.height) == (400, 300)  # 1/2 scale: 400 x 300 x 4 bytes fits
    assert reopen(result).size == (400, 300)


def test_a_jpeg_that_fits_no_scale_is_refused() -> None:
    data = samples.image_bytes("JPEG", size=(800, 600))

    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(data, max_decode_bytes=100 * 75 * 4 - 1)


def test_thumbnails_come_from_one_decode_and_obey_the_budget() -> None:
    png = as_stored(samples.image_bytes("PNG", size=(1600, 800))).data

    renditions = images.thumbnails(png, max_decode_bytes=1600 * 800 * 4)

    assert {size: Image.open(io.BytesIO(data)).size for size, data in renditions.items()} == {
        256: (256, 128),
        1024: (1024, 512),
    }
    with pytest.raises(errors.PhotoTooManyPixels):
        images.thumbnails(png, max_decode_bytes=1600 * 800 * 4 - 1)


# --- tRNS transparency (a palette's alpha table or a grey/RGB colour) -------------------------


def half_transparent_png(mode: str, size: tuple[int, int] = (40, 20)) -> bytes:
    """Left half transparent through the PNG's tRNS chunk, right half opaque red (grey 200)."""
    width, height = size
    if mode == "P":  # entry 0 transparent black, entry 1 opaque red, as an alpha table
        image = Image.new("P", size, 0)
        image.putpalette([0, 0, 0, 255, 0, 0])
        image.paste(1, (width // 2, 0, width, height))
        transparency: object = b"\x00\xff"
    elif mode == "PI":  # the same, with one transparent index
        image = Image.open(io.BytesIO(half_transparent_png("P", size)))
        transparency = 0
    elif mode in ("1", "L"):
        image = Image.new(mode, size, 0)
        image.paste(1 if mode == "1" else 200, (width // 2, 0, width, height))
        transparency = 0
    else:
        image = Image.new("RGB", size, (0, 0, 0))
        image.paste((255, 0, 0), (width // 2, 0, width, height))
        transparency = (0, 0, 0)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=transparency)
    return out.getvalue()


def rgba_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int, int]:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    assert len(pixel) == 4
    red, green, blue, alpha = (int(band) for band in pixel)
    return red, green, blue, alpha


def assert_half_transparent(image: Image.Image, opaque: tuple[int, int, int]) -> None:
    width, height = image.size
    assert image.mode == "RGBA"
    assert rgba_at(image, (1, height // 2))[3] == 0
    red, green, blue, alpha = rgba_at(image, (width - 2, height // 2))
    assert alpha == 255
    assert all(abs(got - want) <= 8 for got, want in zip((red, green, blue), opaque, strict=True))


OPAQUE_HALF = {
    "P": (255, 0, 0),
    "PI": (255, 0, 0),
    "1": (255, 255, 255),
    "L": (200, 200, 200),
    "RGB": (255, 0, 0),
}


@pytest.mark.parametrize("mode", OPAQUE_HALF)
def test_trns_transparency_is_kept_as_alpha_by_normalising_and_in_the_thumbnails(mode: str) -> None:
    stored = as_stored(half_transparent_png(mode))

    assert stored.format == "PNG"
    assert_half_transparent(reopen(stored), OPAQUE_HALF[mode])
    assert_half_transparent(rendition(stored.data, 256), OPAQUE_HALF[mode])


@pytest.mark.parametrize("mode", OPAQUE_HALF)
def test_thumbnails_turn_trns_into_alpha_before_resampling(mode: str) -> None:
    made = rendition(half_transparent_png(mode, size=(600, 300)), 256)

    assert made.size == (256, 128)
    assert_half_transparent(made, OPAQUE_HALF[mode])


def test_a_trns_colour_is_budgeted_as_the_rgba_copy_it_becomes() -> None:
    grey = half_transparent_png("L", size=(200, 100))

    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(grey, max_decode_bytes=200 * 100 * 4 - 1)
    with pytest.raises(errors.PhotoTooManyPixels):
        images.thumbnails(grey, max_decode_bytes=200 * 100 * 4 - 1)
    assert as_stored(grey, max_decode_bytes=200 * 100 * 4).width == 200


@pytest.mark.parametrize(("mode", "shade", "bytes_per_pixel"), [("L", 200, 1), ("I;16", 51400, 2)])
def test_a_grey_png_stored_within_the_budget_gets_its_thumbnails_within_it(
    mode: str, shade: int, bytes_per_pixel: int
) -> None:
    # Opaque grey is stored, and resampled for its thumbnails, as one byte a pixel: the
    # thumbnails' budget counted a colour copy (four), so a grey PNG normalising took (the
    # default budget: up to 50 million pixels of 8-bit grey, 25 million of 16-bit) failed the
    # worker's thumbnails past a quarter of it, and its photo kept no renditions.
    size = (300, 200)
    out = io.BytesIO()
    Image.new(mode, size, shade).save(out, format="PNG")
    budget = 300 * 200 * bytes_per_pixel  # the decoded copy of the upload, to the byte

    stored = as_stored(out.getvalue(), max_decode_bytes=budget)
    renditions = images.thumbnails(stored.data, max_decode_bytes=budget)

    assert {size: Image.open(io.BytesIO(data)).size for size, data in renditions.items()} == {
        256: (256, 171),
        1024: (300, 200),
    }
    assert Image.open(io.BytesIO(renditions[256])).convert("L").getpixel((128, 85)) == 200


def test_a_16_bit_grey_pngs_trns_shade_is_kept_as_alpha_and_budgeted_as_rgba() -> None:
    # As an 8-bit grey's tRNS shade is: transparent where a pixel is exactly that shade. Shades
    # one step away from it on either side stay opaque.
    image = Image.new("I;16", (40, 20), 40000)
    image.paste(51400, (20, 0, 40, 20))  # right half opaque grey 200
    image.putpixel((0, 0), 39999)
    image.putpixel((1, 0), 40001)
    out = io.BytesIO()
    image.save(out, format="PNG", transparency=40000)

    with pytest.raises(errors.PhotoTooManyPixels):
        as_stored(out.getvalue(), max_decode_bytes=40 * 20 * 4 - 1)
    stored = as_stored(out.getvalue(), max_decode_bytes=40 * 20 * 4)

    assert_half_transparent(reopen(stored), (200, 200, 200))
    assert [rgba_at(reopen(stored), (x, 0))[3] for x in (0, 1)] == [255, 255]
    assert_half_transparent(rendition(stored.data, 256), (200, 200, 200))
