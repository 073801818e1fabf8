"""Read a QR code from a photo (zxing-cpp), for browsers without BarcodeDetector."""

import base64
import binascii
import io
import re
from typing import Annotated

import zxingcpp
from flask import Blueprint
from PIL import Image, UnidentifiedImageError
from pydantic import Field

from .api import Body, Out, api
from .errors import ApiError
from .limits import configured, limiter

bp = Blueprint("scan", __name__, url_prefix="/api")
MAX_PIXELS = 24_000_000  # a 24-megapixel photo; larger is refused, not decoded (bombs)
DATA_URL = re.compile(r"^data:image/(png|jpeg|webp|gif);base64,(?P<data>[A-Za-z0-9+/=\s]+)$")


class ScanIn(Body):
    image: Annotated[str, Field(max_length=950_000, description="A data: URL of a PNG, JPEG, WebP or GIF")]


class ScanOut(Out):
    text: str
    format: str


def decode_photo(data: bytes) -> tuple[str, str]:
    """The first QR (or other 2D code) in the photo, or a 422 that says none was found."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ApiError(413, "That photo is too large. Try a smaller one.")
            image = probe.convert("L")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ApiError(400, "That file is not a photo this app can read.") from None
    results = zxingcpp.read_barcodes(image)
    if not results:
        raise ApiError(422, "No QR code found in the photo. Try again closer, with the code in focus.")
    return results[0].text, str(results[0].format)


@bp.post("/scan")
@limiter.limit(configured("RATELIMIT_SYNC"))
@api(body=ScanIn, response=ScanOut)
def scan(body: ScanIn) -> ScanOut:
    """Read the code in a photo; the app then parses its vCard, MECARD or URL."""
    match = DATA_URL.match(body.image)
    if not match:
        raise ApiError(400, "Send the photo as a data: URL of a PNG, JPEG, WebP or GIF image.")
    try:
        data = base64.b64decode(match.group("data"), validate=False)
    except (binascii.Error, ValueError):
        raise ApiError(400, "The photo's data is damaged.") from None
    text, kind = decode_photo(data)
    return ScanOut(text=text, format=kind)
