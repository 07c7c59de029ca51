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

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from apps.core import errors

# Pillow may only even try these decoders; the client's Content-Type and file name are ignored.
ACCEPTED_FORMATS: Final = ("JPEG", "PNG", "WEBP")
CONTENT_TYPES: Final = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS: Final = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPE_BY_EXTENSION: Final = {ext: CONTENT_TYPES[fmt] for fmt, ext in EXTENSIONS.items()}

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


def normalise(source: IO[bytes], *, max_pixels: int) -> NormalisedImage:
    """Decode `source` (JPEG, PNG or WebP) and re-encode it without metadata, upright.

    Raises PhotoUnsupportedType (not one of the three formats, or markup in the sniffed
    prefix), PhotoTooManyPixels (checked from the header, before any pixel is decoded)
    and PhotoInvalidImage (truncated or corrupt).
    """
    source.seek(0)
    if _MARKUP.search(source.read(SNIFF_WINDOW)):
        raise errors.PhotoUnsupportedType()
    source.seek(0)
    try:
        image = Image.open(source, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise errors.PhotoTooManyPixels() from exc
    except UnidentifiedImageError as exc:
        raise errors.PhotoUnsupportedType() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise errors.PhotoInvalidImage() from exc
    with image:
        fmt = image.format or ""
        if fmt not in ACCEPTED_FORMATS:  # pragma: no cover - Pillow honours `formats`
            raise errors.PhotoUnsupportedType()
        width, height = image.size
        if width < 1 or height < 1 or width * height > max_pixels:
            raise errors.PhotoTooManyPixels()
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            clean = _to_srgb(upright)
        except Image.DecompressionBombError as exc:  # pragma: no cover - size checked above
            raise errors.PhotoTooManyPixels() from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise errors.PhotoInvalidImage() from exc
    data = _encode(clean, fmt)
    return NormalisedImage(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        width=clean.width,
        height=clean.height,
    )


def thumbnail(data: bytes, *, size: int) -> bytes:
    """A WebP rendition of a normalised image whose longest side is at most `size` pixels."""
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
        image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale when possible
        rendition = image.convert("RGBA" if _has_alpha(image) else "RGB")
    rendition.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rendition.save(out, format="WEBP", quality=THUMBNAIL_QUALITY, method=4, exif=b"", icc_profile=None)
    return out.getvalue()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Pixels in a mode every encoder takes, colours converted to sRGB so the ICC profile can go."""
    mode = "RGBA" if _has_alpha(image) else ("L" if image.mode in ("1", "L", "I;16") else "RGB")
    icc = image.info.get("icc_profile")
    converted = image.convert(mode) if image.mode != mode else image.copy()
    if icc and mode != "L":
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            converted = (
                ImageCms.profileToProfile(converted, source_profile, srgb, outputMode=mode) or converted
            )
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: keep the pixels as they are, drop the profile
    converted.info = {}  # no metadata travels to the encoder
    return converted


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
