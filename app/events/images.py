"""Checking and re-encoding an uploaded event picture (Pillow; no Flask, no database).

Whatever was sent, what is stored is a fresh JPEG made from the decoded pixels: no metadata (location
EXIF), no embedded scripts or trailing data, the photo turned upright, at most `MAX_SIDE` pixels a side.
"""
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from app.events.rules import EventError

MAX_BYTES = 8 * 1024 * 1024  # a phone photo fits
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding
MAX_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_ALT = 300


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    content_type: str
    width: int
    height: int


def check_alt_text(alt: str | None) -> str:
    """Every picture needs a text alternative for people who cannot see it."""
    alt = (alt or "").strip()
    if not alt:
        raise EventError("alt_required")
    if len(alt) > MAX_ALT:
        raise EventError("too_long", {"max": MAX_ALT})
    return alt


def prepare_image(raw: bytes) -> PreparedImage:
    """Refuse what is not a JPEG, PNG, WebP or GIF picture or is too large; re-encode the rest as JPEG."""
    if not raw:
        raise EventError("image_required")
    if len(raw) > MAX_BYTES:
        raise EventError("image_too_large", {"max_mb": MAX_BYTES // (1024 * 1024)})
    try:
        with Image.open(BytesIO(raw)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise EventError("not_an_image")
            if image.width * image.height > MAX_PIXELS:
                raise EventError("image_too_many_pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "P"):
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                upright = flat
            else:
                upright = upright.convert("RGB")
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = BytesIO()
            upright.save(out, "JPEG", quality=85, optimize=True)
    except EventError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise EventError("not_an_image") from None
    return PreparedImage(out.getvalue(), "image/jpeg", upright.width, upright.height)
