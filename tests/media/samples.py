"""Test files generated in code: real images, hostile files and everything in between."""

import functools
import io
import itertools
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(fmt: str = "JPEG", *, size: tuple[int, int] = (64, 48), color: str = "#3a7") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def jpeg_with_gps_and_orientation(*, size: tuple[int, int] = (80, 40), orientation: int = 6) -> bytes:
    """A phone-like JPEG: GPS coordinates in EXIF and a 'rotate 90°' orientation tag."""
    image = Image.new("RGB", size, "#c33")
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "S"
    gps[2] = (23.0, 33.0, 1.0)
    gps[3] = "W"
    gps[4] = (46.0, 38.0, 2.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _tiff(entries: list[tuple[int, int, int, bytes]]) -> bytes:
    """A little-endian TIFF header and one IFD of (tag, type, count, 4-byte value) entries."""
    ifd = struct.pack("<H", len(entries))
    ifd += b"".join(struct.pack("<HHI", tag, kind, count) + value for tag, kind, count, value in entries)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0)


def jpeg_with_mistyped_exif(*, size: tuple[int, int] = (80, 40)) -> bytes:
    """A JPEG rotated by its EXIF whose XResolution is stored as text instead of a rational, as
    some camera firmwares and editors write it: Pillow reads it, but cannot write it back."""
    exif = b"Exif\x00\x00" + _tiff(
        [(ORIENTATION, 3, 1, struct.pack("<HH", 6, 0)), (0x011A, 2, 4, b"72\x00\x00")]
    )
    out = io.BytesIO()
    Image.new("RGB", size, "#c33").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def mpo(*, size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying a second picture (Multi-Picture Format: phones' depth and HDR gain maps,
    stereo cameras). Its first picture is an ordinary baseline JPEG."""
    first, second = Image.new("RGB", size, "#3a7"), Image.new("RGB", (size[0] // 2, size[1] // 2), "#fff")
    out = io.BytesIO()
    first.save(out, format="MPO", save_all=True, append_images=[second])
    return out.getvalue()


def jpeg_with_many_scans(*, scans: int = 1000, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small progressive JPEG whose last scan is repeated: libjpeg decodes every scan over the
    whole image (a warning, not an error), so the CPU it costs grows with the count, not the
    bytes (~7 ms a scan at 3000 x 3000: a 10 MB file of them would be hours)."""
    out = io.BytesIO()
    Image.new("RGB", size, "#808080").save(out, format="JPEG", progressive=True)
    data = out.getvalue()
    last = data.rindex(b"\xff\xda")  # the last SOS marker; its scan runs to the EOI
    return data[:-2] + data[last:-2] * (scans - data.count(b"\xff\xda")) + b"\xff\xd9"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_bomb_header(*, width: int = 30000, height: int = 30000) -> bytes:
    """A 74-byte PNG whose header claims a huge canvas (a decompression bomb's calling card)."""
    ihdr = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    idat = _png_chunk(b"IDAT", zlib.compress(b"\x00" * 16 + bytes(range(1, 7))))
    return PNG_SIGNATURE + ihdr + idat + _png_chunk(b"IEND", b"")


def png_signature_then_html() -> bytes:
    """Starts like a PNG, is an HTML page."""
    return PNG_SIGNATURE + b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_with_html_text_chunk() -> bytes:
    """A decodable PNG whose first text chunk is an HTML page a browser would sniff."""
    png = image_bytes("PNG", size=(8, 8))
    text = _png_chunk(b"tEXt", b"Comment\x00<html><script>alert(1)</script></html>")
    ihdr_end = len(PNG_SIGNATURE) + 25
    return png[:ihdr_end] + text + png[ihdr_end:]


def png_with_html_appended() -> bytes:
    """A valid PNG with an HTML payload after IEND, beyond the sniffed prefix."""
    return noisy_png(size=(40, 40)) + b"<html><script>alert(1)</script></html>"


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TEXT = b"just some notes, definitely not a photo\n"


def truncated_jpeg() -> bytes:
    data = image_bytes("JPEG", size=(400, 300))
    return data[: len(data) // 2]


def noisy_png(*, size: tuple[int, int]) -> bytes:
    """A PNG that does not compress well, to reach a given byte size."""
    image = Image.frombytes("RGB", size, _pseudo_random(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    return out.getvalue()


def _pseudo_random(length: int) -> bytes:
    import hashlib

    blocks = []
    seed = b"vivenda"
    while sum(len(b) for b in blocks) < length:
        seed = hashlib.sha512(seed).digest()
        blocks.append(seed)
    return b"".join(blocks)[:length]


@functools.cache
def flat_rgba_png(*, width: int = 7000, height: int = 7000, rgba: bytes = b"\x20\x80\xc0\xff") -> bytes:
    """A single-colour RGBA PNG, written row by row (never held decoded): 7000x7000 is ~200 KB on
    the wire and ~196 MB once decoded, under the default pixel limit (the hostile-clients issue)."""
    ihdr = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    compressor = zlib.compressobj(9)
    first = b"\x00" + rgba * width
    later = b"\x02" + b"\x00" * (width * 4)  # filter "Up": same as the row above
    parts = [compressor.compress(first)]
    block = later * 64
    rows = height - 1
    parts += [compressor.compress(block) for _ in range(rows // 64)]
    parts += [compressor.compress(later * (rows % 64)), compressor.flush()]
    return PNG_SIGNATURE + ihdr + _png_chunk(b"IDAT", b"".join(parts)) + _png_chunk(b"IEND", b"")


def _s15fixed16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def cmyk_profile() -> bytes:
    """A small ICC v2 printer profile, CMYK to Lab through a 2-point lut8 (as print profiles do,
    with their own colours): Pillow reads it and ImageCms converts with it."""
    d50 = _s15fixed16(0.9642) + _s15fixed16(1.0) + _s15fixed16(0.8249)
    name = b"Vivenda test CMYK\x00"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(4 + 4 + 2 + 1 + 67)
    clut = b""  # Lab at each corner of the CMYK cube, as lut8 stores it (L 0-255, a and b + 128)
    for c, m, y, k in itertools.product((0, 1), repeat=4):
        lightness, a, b = (
            (10, 0, 0) if k else (95 - 30 * c - 35 * m - 10 * y, 60 * m - 40 * c, 70 * y - 30 * c)
        )
        clut += bytes([round(max(0, lightness) * 255 / 100), a + 128, b + 128])
    identity = b"".join(_s15fixed16(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    a2b0 = (
        b"mft1"
        + bytes(4)
        + bytes([4, 3, 2, 0])
        + identity
        + bytes(range(256)) * 4
        + clut
        + bytes(range(256)) * 3
    )
    tags = [
        (b"desc", desc),
        (b"wtpt", b"XYZ " + bytes(4) + d50),
        (b"cprt", b"text" + bytes(4) + b"none\x00"),
        (b"A2B0", a2b0),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        data += bytes(-(offset + len(data)) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = (
        struct.pack(">I", offset + len(data)) + b"lcms" + struct.pack(">I", 0x02100000) + b"prtrCMYKLab "
        + bytes(12) + b"acsp" + bytes(28) + d50 + bytes(48)
    )  # fmt: skip
    return header + struct.pack(">I", len(tags)) + table + data


def cmyk_jpeg_with_profile(*, cmyk: tuple[int, int, int, int] = (255, 0, 0, 0)) -> bytes:
    out = io.BytesIO()
    Image.new("CMYK", (16, 16), cmyk).save(out, format="JPEG", quality=100, icc_profile=cmyk_profile())
    return out.getvalue()
