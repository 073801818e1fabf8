"""Reading a QR code from a photo on the server."""

import base64
import io

import pytest
import segno
from PIL import Image

from .conftest import Api

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEMAIL:grace@example.org\r\nEND:VCARD\r\n"


def photo(content: str, fmt: str = "png") -> str:
    out = io.BytesIO()
    segno.make(content).save(out, kind="png", scale=10, border=4)
    image = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    framed = Image.new("RGB", (image.width + 200, image.height + 120), "#d8d2c4")  # a table under it
    framed.paste(image, (100, 60))
    buffer = io.BytesIO()
    framed.save(buffer, format="JPEG" if fmt == "jpeg" else "PNG")
    return f"data:image/{fmt};base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_reads_a_vcard_qr_from_a_photo(api: Api, fmt: str) -> None:
    api.sign_up()
    response = api.post("/api/scan", {"image": photo(VCARD, fmt)})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["text"].replace("\r\n", "\n") == VCARD.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("image", "status", "message"),
    [
        ("data:image/png;base64," + base64.b64encode(b"not a png").decode(), 400, "not a photo"),
        ("https://example.org/qr.png", 400, "data: URL"),
        ("data:image/svg+xml;base64,PHN2Zz4=", 400, "data: URL"),
    ],
)
def test_bad_photos_are_refused(api: Api, image: str, status: int, message: str) -> None:
    api.sign_up()
    response = api.post("/api/scan", {"image": image})
    assert response.status_code == status
    assert message in response.get_json()["description"]


def test_photo_without_a_code_says_so(api: Api) -> None:
    api.sign_up()
    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, format="PNG")
    response = api.post(
        "/api/scan", {"image": "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode()}
    )
    assert response.status_code == 422
    assert "No QR code found" in response.get_json()["description"]


def test_scan_needs_sign_in(api: Api) -> None:
    assert api.post("/api/scan", {"image": photo("x")}).status_code == 401
