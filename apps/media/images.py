"""The image pipeline: decide the type from the bytes, decode safely, normalise, derive thumbnails.

Pure functions over bytes and files, no database and no storage, so they are unit-testable and
usable from the upload service, the thumbnail task and the commands alike.

Normalising is the security boundary (docs/adr/0030-content-addressed-media.md): whatever the
client sent, what we store is a fresh, deterministic encoding of the decoded pixels, with the
EXIF orientation applied and no metadata at all (EXIF, GPS, XMP, ICC, comments, text chunks, data
after the end marker). Anything Pillow cannot decode as JPEG, PNG or WebP is refused.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from typing import IO, Final

from PIL import ExifTags, Image, ImageChops, ImageCms, ImageFile, UnidentifiedImageError

from apps.core import errors

# Pillow may only even try these decoders; the client's Content-Type and file name are ignored.
ACCEPTED_FORMATS: Final = ("JPEG", "PNG", "WEBP")
CONTENT_TYPES: Final = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS: Final = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPE_BY_EXTENSION: Final = {ext: CONTENT_TYPES[fmt] for fmt, ext in EXTENSIONS.items()}
# Pillow's JPEG reader names a JPEG that carries more pictures (Multi-Picture Format: phones'
# depth and HDR gain maps) "MPO"; its first picture is an ordinary JPEG, the one decoded and kept.
_JPEG_FORMATS: Final = ("JPEG", "MPO")

# A progressive JPEG costs libjpeg one pass over the whole image per scan, whatever the scan's
# bytes: ten-odd scans is what encoders write, thousands is a CPU bomb (ADR 0031).
_SCAN_MARKER: Final = b"\xff\xda"
_SCAN_READ_BYTES: Final = 1024 * 1024

# EXIF orientation -> the transposition that makes the pixels upright (as Pillow's exif_transpose).
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Modes whose PNG tRNS chunk (`info["transparency"]`) becomes an alpha band: in
# `convert("RGBA")`, and for 16-bit grey in `_to_srgb` (`_grey16_alpha`).
_TRNS_MODES: Final = ("1", "L", "P", "RGB", "I;16")

THUMBNAIL_SIZES: Final = (256, 1024)
JPEG_QUALITY: Final = 90
WEBP_QUALITY: Final = 85
THUMBNAIL_QUALITY: Final = 80

# Browsers sniff the leading bytes; markup there makes a file an HTML/SVG polyglot even when its
# image structure is valid (e.g. a PNG whose first text chunk holds a <script>). Refused outright.
SNIFF_WINDOW: Final = 1024
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|\?php)", re.I)

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error, never half an image


@dataclass(frozen=True, slots=True)
class NormalisedImage:
    data: bytes
    sha256: str
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def decode_bytes(mode: str, size: tuple[int, int]) -> int:
    """Memory one decoded copy of an image takes: width x height x bytes per pixel, as Pillow
    lays pixels out (one byte for 1/L/P, two for 16-bit grey, four for every multi-band mode:
    RGB is padded to four)."""
    width, height = size
    if mode in ("1", "L", "P"):
        per_pixel = 1
    elif mode.startswith("I;16"):
        per_pixel = 2
    else:
        per_pixel = 4
    return width * height * per_pixel


def normalise(
    source: IO[bytes], *, max_pixels: int, max_decode_bytes: int, max_jpeg_scans: int = 100
) -> NormalisedImage:
    """Decode `source` (JPEG, PNG or WebP) and re-encode it without metadata, upright.

    Raises PhotoUnsupportedType (not one of the three formats, or markup in the sniffed
    prefix), PhotoTooManyPixels (checked from the header, before any pixel is decoded: more
    pixels than `max_pixels`, or a decoded copy larger than `max_decode_bytes` that JPEG's
    scaled decoding cannot bring under it) and PhotoInvalidImage (truncated or corrupt, or a
    JPEG of more than `max_jpeg_scans` scans, counted before decoding).

    At most two decoded copies are alive at once
    (docs/adr/0031-bounded-image-decoding-and-write-quotas.md): each step replaces the previous
    image and closes it.
    """
    source.seek(0)
    if _MARKUP.search(source.read(SNIFF_WINDOW)):
        raise errors.PhotoUnsupportedType()
    source.seek(0)
    image: Image.Image = _open(source)
    try:
        fmt = "JPEG" if image.format in _JPEG_FORMATS else (image.format or "")
        if fmt not in ACCEPTED_FORMATS:  # pragma: no cover - Pillow honours `formats`
            raise errors.PhotoUnsupportedType()
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise errors.PhotoTooManyPixels()
        if fmt == "JPEG" and _jpeg_scans(source) > max_jpeg_scans:
            raise errors.PhotoInvalidImage()
        _fit_budget(image, target_mode=_target_mode(image), max_decode_bytes=max_decode_bytes)
        try:
            image.load()
            image = _upright(image)
            image = _to_srgb(image)
        except Image.DecompressionBombError as exc:  # pragma: no cover - size checked above
            raise errors.PhotoTooManyPixels() from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise errors.PhotoInvalidImage() from exc
        data = _encode(image, fmt)
        return NormalisedImage(
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            format=fmt,
            width=image.width,
            height=image.height,
        )
    finally:
        image.close()


def thumbnails(data: bytes, *, max_decode_bytes: int) -> dict[int, bytes]:
    """WebP renditions of a normalised image, longest side at most each of `THUMBNAIL_SIZES` pixels.

    One decode, under the same budget as an upload: JPEG decodes at a reduced scale, the others
    are reduced in place (`Image.thumbnail`), and each smaller rendition is made from the
    previous one. Never upscales. Transparency (an alpha band or a PNG tRNS chunk) is kept as
    the renditions' alpha, as `normalise` keeps it.
    """
    renditions: dict[int, bytes] = {}
    image: Image.Image = _open(io.BytesIO(data))
    try:
        largest = max(THUMBNAIL_SIZES)
        mode = "RGBA" if _has_alpha(image) else "RGB"
        image.draft(mode, (largest, largest))  # JPEG: decode at a reduced scale when possible
        # A palette would resample NEAREST, and a tRNS colour means "transparent" only in its
        # exact value: both become the target mode at full size. Opaque grey resamples as it
        # is, one byte a pixel, and is budgeted so, as `normalise` stored it.
        full_size_mode = "L" if image.mode == "L" and mode == "RGB" else mode
        _fit_budget(image, target_mode=full_size_mode, max_decode_bytes=max_decode_bytes)
        try:
            if image.mode != full_size_mode:
                image = _replace(image, image.convert(mode))
            image.thumbnail((largest, largest), Image.Resampling.LANCZOS)  # reduces in place
            if image.mode != mode:
                image = _replace(image, image.convert(mode))
            for size in sorted(THUMBNAIL_SIZES, reverse=True):
                image.thumbnail((size, size), Image.Resampling.LANCZOS)
                renditions[size] = _encode_thumbnail(image)
        except (OSError, SyntaxError, EOFError) as exc:
            raise ValueError("unreadable stored image") from exc
    finally:
        image.close()
    return renditions


def _open(source: IO[bytes]) -> ImageFile.ImageFile:
    """Read the header only: format, size and mode are known, no pixel is decoded yet."""
    try:
        return Image.open(source, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise errors.PhotoTooManyPixels() from exc
    except UnidentifiedImageError as exc:
        raise errors.PhotoUnsupportedType() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise errors.PhotoInvalidImage() from exc


def _jpeg_scans(source: IO[bytes]) -> int:
    """The scans of a JPEG, counted in its bytes without decoding. Entropy-coded data never holds
    FF DA (a data byte FF is followed by 00 or a restart marker), so every scan's marker counts,
    and at most a few metadata byte pairs besides: an over-estimate, on the safe side."""
    position = source.tell()
    source.seek(0)
    count, carry = 0, b""
    while chunk := source.read(_SCAN_READ_BYTES):
        window = carry + chunk
        count += window.count(_SCAN_MARKER)
        carry = window[-1:]  # a marker split between two reads
    source.seek(position)
    return count


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; the rotated copy replaces the pixels.

    Not `ImageOps.exif_transpose`: it also writes the EXIF block back, which fails on tags whose
    stored type differs from the standard one (TypeError, struct.error...), and that block is
    dropped here anyway."""
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return image if method is None else _replace(image, image.transpose(method))


def _fit_budget(image: Image.Image, *, target_mode: str, max_decode_bytes: int) -> None:
    """Refuse, before decoding, an image whose decoded copy would pass the budget — unless it is
    a JPEG that libjpeg can decode at 1/2, 1/4 or 1/8 of its size under it (`draft`)."""

    def needed() -> int:
        return max(decode_bytes(image.mode, image.size), decode_bytes(target_mode, image.size))

    if needed() <= max_decode_bytes:
        return
    if image.format in _JPEG_FORMATS:
        width, height = image.size
        for scale in (2, 4, 8):
            if decode_bytes(target_mode, (-(-width // scale), -(-height // scale))) <= max_decode_bytes:
                image.draft(None, (width // scale, height // scale))
                break
    if needed() > max_decode_bytes:
        raise errors.PhotoTooManyPixels()


def _replace(old: Image.Image, new: Image.Image | None) -> Image.Image:
    """Continue with `new`, freeing `old`'s pixels now rather than at garbage collection."""
    if new is None or new is old:
        return old
    old.close()
    return new


def _encode_thumbnail(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=THUMBNAIL_QUALITY, method=4, exif=b"", icc_profile=None)
    return out.getvalue()


def _target_mode(image: Image.Image) -> str:
    return "RGBA" if _has_alpha(image) else ("L" if image.mode in ("1", "L", "I;16") else "RGB")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _has_alpha(image: Image.Image) -> bool:
    """An alpha band, or PNG tRNS transparency (`info["transparency"]`) on a mode Pillow's
    `convert("RGBA")` turns it into alpha for: a palette's alpha table or transparent entry, a
    grey or RGB colour that stands for "transparent"."""
    return image.mode in ("RGBA", "LA", "PA") or (image.mode in _TRNS_MODES and "transparency" in image.info)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in a mode every encoder takes, colours converted to sRGB so the ICC profile can go.

    Replaces `image` (closing it) when the mode changes; the colour conversion runs in place."""
    mode = _target_mode(image)
    icc = image.info.get("icc_profile")
    if image.mode == "I;16":  # Pillow's conversion to 8 bits clips every shade above 255 to white
        transparent = image.info.get("transparency")
        alpha = _grey16_alpha(image, transparent) if isinstance(transparent, int) else None
        image = _replace(image, image.point(lambda shade: shade / 257))  # 65535 -> 255
        if alpha is not None:
            image = _replace(image, image.convert("L"))
            image.putalpha(alpha)  # LA, made RGBA below
    if icc and image.mode == "CMYK":
        # Through its profile: Pillow's own CMYK conversion is a formula that ignores it (a print
        # profile's cyan would come out as the screen's brightest), and the profile no longer
        # fits the pixels after it. Two copies, each within the budget checked for both modes.
        image = _replace(image, _to_srgb_through(image, icc, mode=mode, in_place=False))
        icc = None
    if image.mode != mode:
        image = _replace(image, image.convert(mode))
    if icc and mode != "L":
        _to_srgb_through(image, icc, mode=mode, in_place=True)
    image.info = {}  # no metadata travels to the encoder
    return image


def _to_srgb_through(image: Image.Image, icc: bytes, *, mode: str, in_place: bool) -> Image.Image | None:
    """`image`'s colours from its ICC profile to sRGB in `mode`: a new image, or None in place. An
    unreadable profile, or one not for these pixels, changes nothing (None): the profile is dropped."""
    try:
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        return ImageCms.profileToProfile(image, source_profile, srgb, outputMode=mode, inPlace=in_place)
    except (ImageCms.PyCMSError, OSError):
        return None


def _grey16_alpha(image: Image.Image, transparent: int) -> Image.Image:
    """The alpha of a 16-bit grey PNG's tRNS shade, which Pillow's `convert` does not make: 0
    where a pixel is exactly `transparent`, 255 elsewhere. `shade - transparent` and its opposite
    are both 0 only there (clipped or wrapped at 0, either way non-zero elsewhere), and stay
    non-zero as 8 bits (the conversion clips). Each step is one grey copy, within the RGBA
    budget the image was checked against."""
    above = image.point(lambda shade: shade - transparent).convert("L")
    below = image.point(lambda shade: transparent - shade).convert("L")
    return ImageChops.lighter(above, below).point(lambda differs: 255 if differs else 0)


def _encode(image: Image.Image, fmt: str) -> bytes:
    """Deterministic: the same pixels always give the same bytes (same Pillow and codecs)."""
    out = io.BytesIO()
    if fmt == "JPEG":
        rgb = image.convert("RGB") if image.mode == "RGBA" else image
        rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False, exif=b"")
    elif fmt == "PNG":
        image.save(out, format="PNG", optimize=False, compress_level=6)
    else:
        image.save(out, format="WEBP", quality=WEBP_QUALITY, method=4, exif=b"", icc_profile=None)
    return out.getvalue()
